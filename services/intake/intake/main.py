"""Entry point: the FastAPI app around what bootstrap.py wires, and `run()`.

`create_app(settings)` builds the FastAPI app: routers, error handlers, middleware; its
lifespan calls `bootstrap` (MongoDB, indexes, demo catalogue, outbox relay, deadline scheduler,
metrics refresh) and keeps the result on `app.state.services`, stopping it on shutdown.
/healthz, /readyz and /metrics come from motcua_shared.ops.operations.
`run()` (console script `intake-service`) serves it with uvicorn on settings.port (8001)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI, Request, Response
from starlette.middleware.base import RequestResponseEndpoint

from motcua_shared.ops.logs import configure_logging, correlation
from motcua_shared.ops.operations import Operations
from motcua_shared.ops.secrets_check import refuse_weak_secrets
from motcua_shared.web.api_errors import install_error_handlers
from motcua_shared.web.auth import bearer_principal
from motcua_shared.web.event_log import event_log_router
from motcua_shared.web.unit_directory import UnitDirectory

from intake.adapters.signing import parse_keys
from intake.api.calendar import calendar_router
from intake.api.catalogue import catalogue_router
from intake.api.dossiers import dossiers_router
from intake.api.errors import install_domain_error_handlers
from intake.api.fees import fees_router
from intake.api.files import files_router, install_upload_cap
from intake.api.officers import officers_router
from intake.api.public import public_router
from intake.api.transitions import transitions_router
from intake.api.verify import verify_router
from intake.api.worklists import worklists_router
from intake.bootstrap import Services, bootstrap
from intake.settings import IntakeSettings


def create_app(settings: IntakeSettings | None = None) -> FastAPI:
    settings = settings or IntakeSettings()
    ops = Operations("intake", settings)
    # Fail at once, not at the first request.
    parse_keys(settings.verify_keys, settings.jwt_secret, settings.public_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = services = await bootstrap(settings, ops)
        try:
            yield
        finally:
            await services.stop()

    app = FastAPI(
        title="motcua intake",
        version="0.1.0",
        description="Bộ phận Một cửa: tiếp nhận hồ sơ, cấp mã và ngày hẹn, theo dõi quá trình "
        "giải quyết. / "
        "The one-stop desk: receive dossiers, issue codes and due dates, track every step.",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    install_domain_error_handlers(app)
    ops.install(app)
    install_upload_cap(app, settings.max_file_bytes)
    # Intake owns the units: a token's unit is checked against its own catalogue.
    units = UnitDirectory(lambda: _unit_codes(app), ttl=60)
    principal = bearer_principal(
        settings.jwt_secret,
        settings.jwt_algorithm,
        max_hours=settings.jwt_max_hours,
        unit_known=units,
    )

    @app.middleware("http")
    async def correlation_id(request: Request, call_next: RequestResponseEndpoint) -> Response:
        with correlation(request.headers.get("x-correlation-id")):
            return await call_next(request)

    app.include_router(dossiers_router(principal))
    app.include_router(transitions_router(principal))
    app.include_router(catalogue_router())
    app.include_router(calendar_router(principal))
    app.include_router(public_router())
    app.include_router(files_router(principal))
    app.include_router(fees_router(principal))
    app.include_router(verify_router(principal))
    app.include_router(officers_router(principal))
    app.include_router(worklists_router(principal))
    app.include_router(event_log_router(lambda: _services(app).outbox, principal))
    return app


def _services(app: FastAPI) -> Services:
    return app.state.services


async def _unit_codes(app: FastAPI) -> set[str]:
    return {unit.code for unit in await _services(app).intake.catalogue.units()}


def run() -> None:
    settings = IntakeSettings()
    configure_logging("intake", settings.log_level)
    refuse_weak_secrets(settings, "intake")
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        **settings.uvicorn_proxy_options(),
    )


if __name__ == "__main__":
    run()
