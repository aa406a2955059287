"""notify's entry point: `create_app(settings, clock=...)` for tests and `run()` for
`notify-service` (uvicorn on settings.port, 8002 by default). The lifespan keeps what
bootstrap.py wires on `app.state.services`. /healthz, /readyz and /metrics come from
motcua_shared.ops.operations."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI

from motcua_shared.ops.logs import configure_logging
from motcua_shared.ops.operations import Operations
from motcua_shared.ops.secrets_check import refuse_weak_secrets
from motcua_shared.vietnam.timeutil import Clock, utcnow
from motcua_shared.web.api_errors import install_error_handlers
from motcua_shared.web.auth import bearer_principal
from motcua_shared.web.body_limit import BodyLimit
from motcua_shared.web.event_log import event_log_router
from motcua_shared.web.unit_directory import unit_directory

from notify.api.messages import messages_router
from notify.api.opt_outs import opt_out_router
from notify.api.webhooks import webhook_router
from notify.bootstrap import Services, bootstrap
from notify.settings import NotifySettings


def create_app(settings: NotifySettings | None = None, *, clock: Clock = utcnow) -> FastAPI:
    settings = settings or NotifySettings()
    ops = Operations("notify", settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = services = await bootstrap(settings, ops, clock=clock)
        try:
            yield
        finally:
            await services.stop()

    app = FastAPI(
        title="motcua notify",
        version="0.1.0",
        lifespan=lifespan,
        description="Tells citizens about their dossier: Zalo ZNS first, SMS brandname as "
        "fallback, never twice, never at night.",
    )
    install_error_handlers(app)
    # Providers' webhooks are open to anyone on the network: bodies capped before any parsing.
    app.add_middleware(
        BodyLimit, max_bytes=settings.webhook_max_bytes, prefixes=("/api/v1/webhooks/",)
    )
    ops.install(app)
    principal = bearer_principal(
        settings.jwt_secret,
        settings.jwt_algorithm,
        max_hours=settings.jwt_max_hours,
        unit_known=unit_directory(settings.units_url),
    )

    def wired() -> Services:
        return app.state.services

    app.include_router(opt_out_router(lambda: wired().record_opt_out, principal))
    app.include_router(messages_router(lambda: wired().store.for_dossier, principal))
    app.include_router(
        webhook_router(
            lambda: wired().receipts,
            lambda: wired().record_opt_out,
            oa_secret_key=settings.zalo_oa_secret_key,
            app_id=settings.zalo_app_id,
            webhook_token=settings.webhook_token,
        )
    )
    app.include_router(event_log_router(lambda: wired().outbox, principal))
    return app


def run() -> None:
    settings = NotifySettings()
    configure_logging("notify", settings.log_level)
    refuse_weak_secrets(settings, "notify")
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        **settings.uvicorn_proxy_options(),
    )


if __name__ == "__main__":
    run()
