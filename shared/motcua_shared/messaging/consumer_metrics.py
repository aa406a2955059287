"""Consumer metrics under FastStream's names (motcua_broker_received_*): the batch consumer
reads with aio-pika, not through a FastStream subscriber, so it records what FastStream's
middleware would, in the same metric families, and dashboards keep working."""

from faststream.prometheus.container import MetricsContainer
from prometheus_client import CollectorRegistry

from motcua_shared.ops.metrics import PREFIX

BROKER = "rabbitmq"


class ConsumerMetrics:
    def __init__(self, registry: CollectorRegistry, service: str) -> None:
        # The container reuses families already registered (by the publishing broker's middleware).
        self.container = MetricsContainer(
            registry, metrics_prefix=f"{PREFIX}_broker", custom_label_names=[]
        )
        self.service = service

    def received(self, handler: str, count: int) -> None:
        self.container.received_messages_total.labels(self.service, BROKER, handler).inc(count)

    def processed(self, handler: str, status: str, seconds: float, count: int = 1) -> None:
        """status: acked, nacked (redelivered) or rejected (dead-lettered), as FastStream says."""
        self.container.received_processed_messages_total.labels(
            self.service, BROKER, handler, status
        ).inc(count)
        self.container.received_processed_messages_duration_seconds.labels(
            self.service, BROKER, handler
        ).observe(seconds)
