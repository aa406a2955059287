"""notify's composition root: `create_app(settings, clock=...)` for tests and `run()` for
`notify-service` (uvicorn on settings.port, 8002 by default). /healthz, /readyz and /metrics
come from motcua_shared.ops."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI

from motcua_shared.api_errors import install_error_handlers
from motcua_shared.body_limit import BodyLimit
from motcua_shared.auth import bearer_principal
from motcua_shared.backlog_gauges import OutboxBacklogGauge, QueueDepthGauge
from motcua_shared.relay_lease import RelayLeaderGauge
from motcua_shared.event_log import event_log_router
from motcua_shared.health import mongo_ping
from motcua_shared.logs import configure_logging
from motcua_shared.ops import Operations
from motcua_shared.secrets_check import refuse_weak_secrets
from motcua_shared.units import unit_directory

from notify.adapters.clock import SystemClock
from notify.adapters.message_status_gauge import MessageStatusGauge
from notify.api.messages import messages_router
from notify.api.opt_outs import opt_out_router
from notify.api.webhooks import webhook_router
from notify.app.ports import Clock
from notify.settings import NotifySettings
from notify.wiring import Runtime


def create_app(settings: NotifySettings | None = None, *, clock: Clock | None = None) -> FastAPI:
    settings = settings or NotifySettings()
    clock = clock or SystemClock()
    ops = Operations("notify", settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.runtime = runtime = await Runtime.start(settings, clock,
                                                          broker_middlewares=[ops.broker_middleware()],
                                                          consumer_metrics=ops.consumer_metrics())
        ops.start({"mongodb": mongo_ping(runtime.mongo), "rabbitmq": runtime.consumer.ping},
                  OutboxBacklogGauge(runtime.outbox), QueueDepthGauge(ops.amqp, runtime.consumer.spec),
                  MessageStatusGauge(runtime.store.messages), RelayLeaderGauge(runtime.relay.lease))
        try:
            yield
        finally:
            await ops.stop()
            await runtime.stop()

    app = FastAPI(title="motcua notify", version="0.1.0", lifespan=lifespan,
                  description="Tells citizens about their dossier: Zalo ZNS first, SMS brandname as "
                              "fallback, never twice, never at night.")
    install_error_handlers(app)
    # Providers' webhooks are open to anyone on the network: bodies capped before any parsing.
    app.add_middleware(BodyLimit, max_bytes=settings.webhook_max_bytes, prefixes=("/api/v1/webhooks/",))
    ops.install(app)
    principal = bearer_principal(settings.jwt_secret, settings.jwt_algorithm, max_hours=settings.jwt_max_hours,
                                 unit_known=unit_directory(settings.units_url))

    def runtime() -> Runtime:
        return app.state.runtime

    app.include_router(opt_out_router(lambda: runtime().record_opt_out, principal))
    app.include_router(messages_router(lambda: runtime().store.for_dossier, principal))
    app.include_router(webhook_router(lambda: runtime().receipts, lambda: runtime().record_opt_out,
                                      oa_secret_key=settings.zalo_oa_secret_key, app_id=settings.zalo_app_id,
                                      webhook_token=settings.webhook_token))
    app.include_router(event_log_router(lambda: runtime().outbox, principal))
    return app


def run() -> None:
    settings = NotifySettings()
    configure_logging("notify", settings.log_level)
    refuse_weak_secrets(settings, "notify")
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None,
                **settings.uvicorn_proxy_options())


if __name__ == "__main__":
    run()
