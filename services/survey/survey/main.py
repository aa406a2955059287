"""Entry point: the FastAPI app around what bootstrap.py wires (kept on `app.state.services`:
MongoDB, the outbox relay, the consumer, the use cases) and `run()`. /healthz, /readyz and
/metrics come from motcua_shared.ops.operations.
"""

import contextlib
from collections.abc import AsyncIterator

import uvicorn
from fastapi import FastAPI

from motcua_shared.ops.logs import configure_logging
from motcua_shared.ops.operations import Operations
from motcua_shared.ops.secrets_check import refuse_weak_secrets
from motcua_shared.vietnam.timeutil import Clock, utcnow
from motcua_shared.web.api_errors import install_error_handlers
from motcua_shared.web.auth import bearer_principal
from motcua_shared.web.event_log import event_log_router
from motcua_shared.web.unit_directory import unit_directory

from survey.access_log import install_private_access_log
from survey.api import follow_ups, kiosk, leader, suggestion_box, survey_page
from survey.bootstrap import Services, bootstrap
from survey.settings import SurveySettings


def create_app(settings: SurveySettings, clock: Clock = utcnow) -> FastAPI:
    ops = Operations("survey", settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = services = await bootstrap(settings, ops, clock=clock)
        try:
            yield
        finally:
            await services.stop()

    app = FastAPI(
        title="motcua survey",
        version="0.1.0",
        lifespan=lifespan,
        description="Satisfaction surveys, the desk kiosk and the suggestion box.",
    )
    install_error_handlers(app)
    ops.install(app)
    principal = bearer_principal(
        settings.jwt_secret,
        settings.jwt_algorithm,
        max_hours=settings.jwt_max_hours,
        unit_known=unit_directory(settings.units_url),
    )
    app.include_router(survey_page.router)
    app.include_router(suggestion_box.router)
    app.include_router(kiosk.kiosk_router(principal))
    app.include_router(leader.leader_router(principal))
    app.include_router(follow_ups.follow_ups_router(principal))
    app.include_router(event_log_router(lambda: _services(app).outbox, principal))
    return app


def _services(app: FastAPI) -> Services:
    return app.state.services


def run() -> None:
    settings = SurveySettings()
    configure_logging("survey", settings.log_level)
    refuse_weak_secrets(settings, "survey")
    install_private_access_log()
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        **settings.uvicorn_proxy_options(),
    )


if __name__ == "__main__":
    run()
