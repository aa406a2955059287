"""Health, readiness and metrics of one service: the one object each main.py wires in, so every
service answers /healthz, /readyz and /metrics the same way.

    ops = Operations("survey", settings)     # in create_app
    ops.install(app)
    ...                                      # in the lifespan, once the connections are open
    ops.start({"mongodb": mongo_ping(client), "rabbitmq": ops.amqp.ping},
              OutboxBacklogGauge(outbox), QueueDepthGauge(ops.amqp, spec))
    ...
    await ops.stop()
"""

from collections.abc import Mapping

from fastapi import FastAPI
from faststream.rabbit.prometheus import RabbitPrometheusMiddleware

from motcua_shared.config.settings import CommonSettings
from motcua_shared.messaging.amqp_probe import AmqpProbe
from motcua_shared.messaging.consumer_metrics import ConsumerMetrics
from motcua_shared.ops.gauge_refresh import GaugeRefresher, GaugeSource
from motcua_shared.ops.health import LIVENESS_PATH, READINESS_PATH, Check, Readiness, health_router
from motcua_shared.ops.logs import quiet_access_log
from motcua_shared.ops.metrics import (
    METRICS_PATH,
    HttpMetrics,
    HttpMetricsMiddleware,
    broker_metrics,
    metrics_router,
    new_registry,
)

OPS_PATHS = frozenset({LIVENESS_PATH, READINESS_PATH, METRICS_PATH})


class Operations:
    def __init__(self, service: str, settings: CommonSettings) -> None:
        self.service = service
        self.registry = new_registry()
        self.readiness = Readiness()
        self.gauges = GaugeRefresher(self.registry, settings.metrics_refresh_seconds)
        self.amqp = AmqpProbe(settings.amqp_url)
        self.http = HttpMetrics(self.registry)
        self._broker_metrics: RabbitPrometheusMiddleware | None = None

    def install(self, app: FastAPI) -> None:
        """The three routes (not in the OpenAPI document) and the HTTP request metrics."""
        app.include_router(health_router(self.readiness))
        app.include_router(metrics_router(self.registry))
        app.add_middleware(HttpMetricsMiddleware, metrics=self.http, skip_paths=OPS_PATHS)
        quiet_access_log(OPS_PATHS)
        app.state.ops = self

    def broker_middleware(self) -> RabbitPrometheusMiddleware:
        """For EventConsumer.start(middlewares=[...]): FastStream's motcua_broker_* metrics of what
        the consumer's broker publishes (dead letters)."""
        if self._broker_metrics is None:
            self._broker_metrics = broker_metrics(self.registry, self.service)
        return self._broker_metrics

    def consumer_metrics(self) -> ConsumerMetrics:
        """For EventConsumer.start(metrics=...): what the consumer received and how it
        settled it."""
        return ConsumerMetrics(self.registry, self.service)

    def start(self, checks: Mapping[str, Check], *gauges: GaugeSource) -> None:
        self.readiness.use(checks)
        self.gauges.attach(*gauges)
        self.gauges.start()

    async def stop(self) -> None:
        self.readiness.clear()
        await self.gauges.stop()
        await self.amqp.close()
