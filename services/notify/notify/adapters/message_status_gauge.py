"""`motcua_notify_messages{status}`: messages in the log by status (queued, sending, sent,
delivered, failed). One count per status on the (status, …) indexes per refresh; the log keeps
90 days (TTL), so these are counts over that window. Queued or sending that only grow mean the
providers are not taking messages; failed that grows means citizens are not being told."""

from collections.abc import Iterator

from prometheus_client import Gauge
from prometheus_client.metrics_core import Metric
from pymongo.asynchronous.collection import AsyncCollection

from notify.domain.message import Status


class MessageStatusGauge:
    name = "notify_messages"

    def __init__(self, messages: AsyncCollection) -> None:
        self.messages = messages
        self.by_status = Gauge("motcua_notify_messages", "Messages in notify's log, by status", ["status"],
                               registry=None)

    def collect(self) -> Iterator[Metric]:
        yield from self.by_status.collect()

    async def refresh(self) -> None:
        counts = {status: await self.messages.count_documents({"status": status.value}) for status in Status}
        for status, count in counts.items():
            self.by_status.labels(status.value).set(count)
