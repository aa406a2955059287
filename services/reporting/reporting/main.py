"""Entry point: the FastAPI app around what bootstrap.py wires (kept on `app.state.services`)
and `run()`. /healthz, /readyz and /metrics come from motcua_shared.ops.operations."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI

from motcua_shared.ops.logs import configure_logging
from motcua_shared.ops.operations import Operations
from motcua_shared.ops.secrets_check import refuse_weak_secrets
from motcua_shared.vietnam.timeutil import Clock, utcnow
from motcua_shared.web.api_errors import install_error_handlers

from reporting.api import reports
from reporting.bootstrap import SERVICE, bootstrap
from reporting.settings import ReportingSettings


def create_app(settings: ReportingSettings | None = None, *, clock: Clock = utcnow) -> FastAPI:
    settings = settings or ReportingSettings()
    ops = Operations(SERVICE, settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = services = await bootstrap(settings, ops, clock=clock)
        try:
            yield
        finally:
            await services.stop()

    app = FastAPI(
        title="motcua reporting",
        version="0.1.0",
        lifespan=lifespan,
        description="One-stop figures per unit, field, procedure and period for provincial systems "
        "(X-API-Key) and unit leaders (bearer token), projected from intake's and survey's "
        "events.",
    )
    install_error_handlers(app)
    ops.install(app)
    app.include_router(reports.router)

    return app


def run() -> None:
    settings = ReportingSettings()
    configure_logging(SERVICE, settings.log_level)
    refuse_weak_secrets(settings, SERVICE)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        **settings.uvicorn_proxy_options(),
    )
