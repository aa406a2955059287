"""`motcua_notify_messages{status}`: messages in the log by status (queued, sending, sent,
delivered, failed). Read from the counters kept beside the log (`message_counts.py`: a refresh
costs the same whatever the log holds); the log keeps 90 days (TTL), so these are counts over
that window, to the day. Queued or sending that only grow mean the providers are not taking
messages; failed that grows means citizens are not being told."""

from collections.abc import Iterator

from prometheus_client import Gauge
from prometheus_client.metrics_core import Metric

from notify.adapters.mongo_messages import MongoMessageStore


class MessageStatusGauge:
    name = "notify_messages"

    def __init__(self, store: MongoMessageStore) -> None:
        self.store = store
        self.by_status = Gauge(
            "motcua_notify_messages",
            "Messages in notify's log, by status",
            ["status"],
            registry=None,
        )

    def collect(self) -> Iterator[Metric]:
        yield from self.by_status.collect()

    async def refresh(self) -> None:
        for status, count in (await self.store.counts.by_status(self.store.messages)).items():
            self.by_status.labels(status).set(count)
