"""Composition root: settings → adapters → use cases → one `Services`.

`bootstrap(settings, ops, clock=...)` opens MongoDB (indexes first), starts the outbox relay,
the batch consumer of `dossier.result_returned` on survey's quorum queue and ops' probes and
gauges, and builds the use cases the routers call; `Services.stop` stops all of it in reverse.
main.py keeps the result on `app.state.services`. Why one place: every dependency of the
service is found here, as in cosmicpython/code's bootstrap.py.
"""

from dataclasses import dataclass
from datetime import timedelta

from pymongo import AsyncMongoClient

from motcua_shared.contract.dossier_events import ResultReturned
from motcua_shared.contract.topology import consumer_spec
from motcua_shared.messaging.consumer import BatchLimits, EventConsumer
from motcua_shared.messaging.outbox import Outbox
from motcua_shared.messaging.outbox_relay import OutboxRelay
from motcua_shared.messaging.relay_lease import RelayLeaderGauge
from motcua_shared.ops.backlog_gauges import OutboxBacklogGauge, QueueDepthGauge
from motcua_shared.ops.health import mongo_ping
from motcua_shared.ops.operations import Operations
from motcua_shared.storage.mongo import close_client, mongo_client
from motcua_shared.vietnam.timeutil import Clock, utcnow

from survey.adapters.mongo_follow_ups import MongoFollowUpRepository
from survey.adapters.mongo_rate_limit import MongoRateLimiter
from survey.adapters.mongo_suggestions import MongoSuggestionRepository
from survey.adapters.mongo_surveys import MongoSurveyRepository
from survey.app.answer_survey import AnswerSurvey
from survey.app.follow_ups import FollowUpOpener, FollowUps
from survey.app.open_survey import OpeningRules, OpenSurvey
from survey.app.suggestion_box import SuggestionBox
from survey.app.unit_reports import UnitReports
from survey.settings import SurveySettings


@dataclass
class Services:
    """Everything the API needs, and what has to be stopped."""

    answers: AnswerSurvey
    suggestions: SuggestionBox
    reports: UnitReports
    follow_ups: FollowUps
    clock: Clock
    outbox: Outbox
    relay: OutboxRelay
    consumer: EventConsumer
    client: AsyncMongoClient
    ops: Operations

    async def stop(self) -> None:
        await self.ops.stop()
        await self.consumer.stop()
        await self.relay.stop()
        await close_client(self.client)


async def bootstrap(
    settings: SurveySettings, ops: Operations, *, clock: Clock = utcnow
) -> Services:
    client = mongo_client(settings.mongodb_url)
    db = client[settings.db_name]
    outbox = Outbox(db["outbox"])
    surveys = MongoSurveyRepository(db, outbox)
    suggestions = MongoSuggestionRepository(db, outbox)
    feedback = MongoFollowUpRepository(db, outbox)
    limiter = MongoRateLimiter(
        db["suggestion_hits"],
        limit=settings.suggestion_limit,
        window=timedelta(minutes=settings.suggestion_window_minutes),
        secret=settings.rate_limit_secret,
    )
    for store in (outbox, surveys, suggestions, feedback, limiter):
        await store.ensure_indexes()

    relay = OutboxRelay(outbox, settings.amqp_url, settings.exchange, **settings.relay_options())
    relay.start()
    rules = OpeningRules(
        timedelta(days=settings.expiry_days),
        settings.excluded_procedure_codes,
        settings.public_url,
    )
    opener = FollowUpOpener(settings.feedback_due_working_days)
    reports = UnitReports(surveys)
    spec = consumer_spec(settings.exchange, "survey")
    consumer = EventConsumer(
        spec,
        batch_handler=OpenSurvey(surveys, rules, clock, relay.wake).open_batch,
        events=[ResultReturned],
        limits=BatchLimits.of(settings),
    )
    services = Services(
        answers=AnswerSurvey(surveys, clock, relay.wake, opener),
        suggestions=SuggestionBox(
            suggestions, limiter, clock, relay.wake, opener, reports.unit_name
        ),
        reports=reports,
        follow_ups=FollowUps(feedback, clock, relay.wake),
        clock=clock,
        outbox=outbox,
        relay=relay,
        consumer=consumer,
        client=client,
        ops=ops,
    )
    try:
        await consumer.start(
            settings.amqp_url, middlewares=[ops.broker_middleware()], metrics=ops.consumer_metrics()
        )
        ops.start(
            {"mongodb": mongo_ping(client), "rabbitmq": consumer.ping},
            OutboxBacklogGauge(outbox),
            QueueDepthGauge(ops.amqp, spec),
            RelayLeaderGauge(relay.lease),
        )
    except BaseException:
        await services.stop()
        raise
    return services
