"""The gauges every service shares for "how much work is waiting": events in its outbox not yet
published, and messages waiting in its consumer queue and dead-letter queue. Sources for
GaugeRefresher (gauge_refresh.py)."""

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime

from prometheus_client import Gauge
from prometheus_client.metrics_core import Metric

from motcua_shared.amqp_probe import AmqpProbe
from motcua_shared.outbox import Outbox
from motcua_shared.timeutil import utcnow
from motcua_shared.topology import ConsumerSpec


class OutboxBacklogGauge:
    name = "outbox"

    def __init__(self, outbox: Outbox, clock: Callable[[], datetime] = utcnow) -> None:
        self.outbox, self.clock = outbox, clock
        self.pending = Gauge("motcua_outbox_pending_events", "Events in the outbox not yet published",
                             registry=None)
        self.oldest_age = Gauge("motcua_outbox_oldest_pending_age_seconds",
                                "Age of the oldest event not yet published (0 when none)", registry=None)

    def collect(self) -> Iterator[Metric]:
        yield from self.pending.collect()
        yield from self.oldest_age.collect()

    async def refresh(self) -> None:
        count, oldest = await self.outbox.backlog()
        self.pending.set(count)
        self.oldest_age.set(max((self.clock() - oldest).total_seconds(), 0.0) if oldest else 0.0)


class QueueDepthGauge:
    """Ready messages and consumers of the service's queue and its DLQ, by passive declare.
    A ready count that grows is consumer lag; anything in a `.dlq` queue wants a person."""

    name = "queues"

    def __init__(self, probe: AmqpProbe, spec: ConsumerSpec) -> None:
        self.probe = probe
        self.queues: Sequence[str] = (*spec.queues, spec.dead_letter_queue)  # each partition
        self.ready = Gauge("motcua_queue_messages_ready", "Messages waiting in a queue for a consumer",
                           ["queue"], registry=None)
        self.consumers = Gauge("motcua_queue_consumers", "Consumers attached to a queue", ["queue"],
                               registry=None)

    def collect(self) -> Iterator[Metric]:
        yield from self.ready.collect()
        yield from self.consumers.collect()

    async def refresh(self) -> None:
        for queue in self.queues:
            ready, consumers = await self.probe.queue_depth(queue)
            self.ready.labels(queue).set(ready)
            self.consumers.labels(queue).set(consumers)
