"""Composition root: settings → adapters → use cases → HTTP routers and the event consumer.

The FastAPI lifespan owns every connection: MongoDB (indexes first), the outbox relay task,
the batch consumer of `dossier.result_returned` on survey's quorum queue, and
the metrics refresh. /healthz, /readyz and /metrics come from motcua_shared.ops.
"""

import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

import uvicorn
from fastapi import FastAPI

from motcua_shared.api_errors import install_error_handlers
from motcua_shared.auth import bearer_principal
from motcua_shared.backlog_gauges import OutboxBacklogGauge, QueueDepthGauge
from motcua_shared.consumer import BatchLimits, EventConsumer
from motcua_shared.event_log import event_log_router
from motcua_shared.events import ResultReturned
from motcua_shared.health import mongo_ping
from motcua_shared.logs import configure_logging
from motcua_shared.mongo import close_client, mongo_client
from motcua_shared.ops import Operations
from motcua_shared.outbox import Outbox, OutboxRelay
from motcua_shared.relay_lease import RelayLeaderGauge
from motcua_shared.secrets_check import refuse_weak_secrets
from motcua_shared.timeutil import utcnow
from motcua_shared.topology import consumer_spec
from motcua_shared.units import unit_directory

from survey.access_log import install_private_access_log
from survey.adapters.mongo_follow_ups import MongoFollowUpRepository
from survey.adapters.mongo_rate_limit import MongoRateLimiter
from survey.adapters.mongo_suggestions import MongoSuggestionRepository
from survey.adapters.mongo_surveys import MongoSurveyRepository
from survey.api import follow_ups, kiosk, leader, suggestion_box, survey_page
from survey.api.deps import Services
from survey.app.answer_survey import AnswerSurvey
from survey.app.follow_ups import FollowUpOpener, FollowUps
from survey.app.open_survey import OpeningRules, OpenSurvey
from survey.app.ports import Clock
from survey.app.suggestion_box import SuggestionBox
from survey.app.unit_reports import UnitReports
from survey.settings import SurveySettings


def create_app(settings: SurveySettings, clock: Clock = utcnow) -> FastAPI:
    outbox_holder: list[Outbox] = []
    ops = Operations("survey", settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client = mongo_client(settings.mongodb_url)
        db = client[settings.db_name]
        outbox = Outbox(db["outbox"])
        surveys = MongoSurveyRepository(db, outbox)
        suggestions = MongoSuggestionRepository(db, outbox)
        feedback = MongoFollowUpRepository(db, outbox)
        limiter = MongoRateLimiter(db["suggestion_hits"], limit=settings.suggestion_limit,
                                   window=timedelta(minutes=settings.suggestion_window_minutes),
                                   secret=settings.rate_limit_secret)
        for store in (outbox, surveys, suggestions, feedback, limiter):
            await store.ensure_indexes()
        outbox_holder[:] = [outbox]

        relay = OutboxRelay(outbox, settings.amqp_url, settings.exchange, **settings.relay_options())
        relay.start()
        rules = OpeningRules(timedelta(days=settings.expiry_days), settings.excluded_procedure_codes,
                             settings.public_url)
        opener = FollowUpOpener(settings.feedback_due_working_days)
        reports = UnitReports(surveys)
        app.state.services = Services(
            answers=AnswerSurvey(surveys, clock, relay.wake, opener),
            suggestions=SuggestionBox(suggestions, limiter, clock, relay.wake, opener, reports.unit_name),
            reports=reports,
            follow_ups=FollowUps(feedback, clock, relay.wake),
            clock=clock,
        )
        spec = consumer_spec(settings.exchange, "survey")
        consumer = EventConsumer(spec, batch_handler=OpenSurvey(surveys, rules, clock, relay.wake).open_batch,
                                 events=[ResultReturned], limits=BatchLimits.of(settings))
        app.state.consumer = consumer
        try:
            await consumer.start(settings.amqp_url, middlewares=[ops.broker_middleware()],
                                 metrics=ops.consumer_metrics())
            ops.start({"mongodb": mongo_ping(client), "rabbitmq": consumer.ping},
                      OutboxBacklogGauge(outbox), QueueDepthGauge(ops.amqp, spec), RelayLeaderGauge(relay.lease))
            yield
        finally:
            await ops.stop()
            await consumer.stop()
            await relay.stop()
            await close_client(client)

    app = FastAPI(title="motcua survey", version="0.1.0", lifespan=lifespan,
                  description="Satisfaction surveys, the desk kiosk and the suggestion box.")
    install_error_handlers(app)
    ops.install(app)
    principal = bearer_principal(settings.jwt_secret, settings.jwt_algorithm, max_hours=settings.jwt_max_hours,
                                 unit_known=unit_directory(settings.units_url))
    app.include_router(survey_page.router)
    app.include_router(suggestion_box.router)
    app.include_router(kiosk.kiosk_router(principal))
    app.include_router(leader.leader_router(principal))
    app.include_router(follow_ups.follow_ups_router(principal))
    app.include_router(event_log_router(lambda: outbox_holder[0], principal))
    return app


def run() -> None:
    settings = SurveySettings()
    configure_logging("survey", settings.log_level)
    refuse_weak_secrets(settings, "survey")
    install_private_access_log()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None,
                **settings.uvicorn_proxy_options())


if __name__ == "__main__":
    run()
