"""Composition root: settings → Mongo adapters → projector, sweeper, reports → API and consumer.
/healthz, /readyz and /metrics come from motcua_shared.ops."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import uvicorn
from fastapi import FastAPI

from motcua_shared.api_errors import install_error_handlers
from motcua_shared.backlog_gauges import QueueDepthGauge
from motcua_shared.consumer import BatchLimits, EventConsumer
from motcua_shared.events import Envelope
from motcua_shared.health import mongo_ping
from motcua_shared.logs import configure_logging
from motcua_shared.mongo import close_client, mongo_client
from motcua_shared.ops import Operations
from motcua_shared.secrets_check import refuse_weak_secrets
from motcua_shared.timeutil import utcnow
from motcua_shared.topology import consumer_spec
from motcua_shared.units import unit_directory

from reporting.adapters.collections import ensure_indexes
from reporting.adapters.mongo_api_keys import MongoApiKeyRepository
from reporting.adapters.mongo_projection import MongoProjectionStore
from reporting.adapters.mongo_reports import MongoReportReader
from reporting.api import reports
from reporting.api.deps import Services
from reporting.app.api_keys import ApiKeys
from reporting.app.parked_sweeper import ParkedSweeper
from reporting.app.ports import ParkedEvent
from reporting.app.projector import PROJECTED_EVENTS, Projector
from reporting.settings import ReportingSettings

SERVICE = "reporting"


def create_app(settings: ReportingSettings | None = None, *, clock: Callable[[], datetime] = utcnow) -> FastAPI:
    settings = settings or ReportingSettings()
    ops = Operations(SERVICE, settings)
    units = unit_directory(settings.units_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client = mongo_client(settings.mongodb_url)
        db = client[settings.db_name]
        await ensure_indexes(db)
        store = MongoProjectionStore(client, db)

        async def project(envelopes: Sequence[Envelope[Any]]) -> None:
            await projector.project_batch(envelopes)

        async def reject(event: ParkedEvent, reason: str) -> None:
            await consumer.dead_letter(event.body.encode(), event.routing_key, reason)

        spec = consumer_spec(settings.exchange, SERVICE, partitions=settings.partitions)
        consumer = EventConsumer(spec, batch_handler=project, events=PROJECTED_EVENTS,
                                 limits=BatchLimits.of(settings))
        projector = Projector(store, clock, reject)
        sweeper = ParkedSweeper(store, projector, consumer.dead_letter, clock,
                                timedelta(minutes=settings.park_max_age_minutes))
        app.state.services = Services(settings, MongoReportReader(db),
                                      ApiKeys(MongoApiKeyRepository(db), settings.api_key_secret, clock), clock,
                                      units)
        app.state.sweeper = sweeper
        sweeping: asyncio.Task[None] | None = None
        try:
            await consumer.start(settings.amqp_url, middlewares=[ops.broker_middleware()],
                                 metrics=ops.consumer_metrics())
            sweeping = asyncio.create_task(sweeper.run(settings.sweep_interval_seconds))
            ops.start({"mongodb": mongo_ping(client), "rabbitmq": consumer.ping},
                      QueueDepthGauge(ops.amqp, spec))
            yield
        finally:
            await ops.stop()
            if sweeping is not None:
                sweeping.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sweeping
            await consumer.stop()
            await close_client(client)

    app = FastAPI(title="motcua reporting", version="0.1.0", lifespan=lifespan,
                  description="One-stop figures per unit, field, procedure and period for provincial systems "
                              "(X-API-Key) and unit leaders (bearer token), projected from intake's and survey's "
                              "events.")
    install_error_handlers(app)
    ops.install(app)
    app.include_router(reports.router)

    return app


def run() -> None:
    settings = ReportingSettings()
    configure_logging(SERVICE, settings.log_level)
    refuse_weak_secrets(settings, SERVICE)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None,
                **settings.uvicorn_proxy_options())
