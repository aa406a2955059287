"""Composition root: settings → Mongo adapters → projector, sweeper, reports → one `Services`.

`bootstrap(settings, ops, clock=...)` opens MongoDB (indexes first), builds the projector
and its consumer, the parked-event sweeper and what the reports read, starts the consumer,
the sweeper and ops' probes and gauges; `Services.stop` stops all of it in reverse. main.py
keeps the result on `app.state.services`. Why one place: every dependency of the service is
found here, as in cosmicpython/code's bootstrap.py."""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pymongo import AsyncMongoClient

from motcua_shared.contract.envelope import Envelope
from motcua_shared.contract.topology import consumer_spec
from motcua_shared.messaging.consumer import BatchLimits, EventConsumer
from motcua_shared.ops.background_tasks import stop_tasks
from motcua_shared.ops.backlog_gauges import QueueDepthGauge
from motcua_shared.ops.health import mongo_ping
from motcua_shared.ops.operations import Operations
from motcua_shared.storage.mongo import close_client, mongo_client
from motcua_shared.vietnam.timeutil import Clock, utcnow
from motcua_shared.web.auth import UnitCheck
from motcua_shared.web.unit_directory import unit_directory

from reporting.adapters.mongo_api_keys import MongoApiKeyRepository
from reporting.adapters.mongo_collections import ensure_indexes
from reporting.adapters.mongo_projection import MongoProjectionStore
from reporting.adapters.mongo_reports import MongoReportReader
from reporting.app.api_keys import ApiKeys
from reporting.app.parked_sweeper import ParkedSweeper
from reporting.app.ports import ParkedEvent, ReportReader
from reporting.app.projector import PROJECTED_EVENTS, Projector
from reporting.settings import ReportingSettings

SERVICE = "reporting"


@dataclass
class Services:
    """Everything the API needs, and what has to be stopped."""

    settings: ReportingSettings
    reader: ReportReader
    api_keys: ApiKeys
    clock: Clock
    unit_known: UnitCheck | None
    projector: Projector
    sweeper: ParkedSweeper
    consumer: EventConsumer
    client: AsyncMongoClient
    ops: Operations
    sweeping: asyncio.Task[None] | None = None

    async def stop(self) -> None:
        await self.ops.stop()
        await stop_tasks(self.sweeping)
        await self.consumer.stop()
        await close_client(self.client)


async def bootstrap(
    settings: ReportingSettings, ops: Operations, *, clock: Clock = utcnow
) -> Services:
    client = mongo_client(settings.mongodb_url)
    db = client[settings.db_name]
    await ensure_indexes(db)
    store = MongoProjectionStore(client, db)

    async def project(envelopes: Sequence[Envelope[Any]]) -> None:
        await projector.project_batch(envelopes)

    async def reject(event: ParkedEvent, reason: str) -> None:
        await consumer.dead_letter(event.body.encode(), event.routing_key, reason)

    spec = consumer_spec(settings.exchange, SERVICE, partitions=settings.partitions)
    consumer = EventConsumer(
        spec, batch_handler=project, events=PROJECTED_EVENTS, limits=BatchLimits.of(settings)
    )
    projector = Projector(store, clock, reject)
    sweeper = ParkedSweeper(
        store,
        projector,
        consumer.dead_letter,
        clock,
        timedelta(minutes=settings.park_max_age_minutes),
    )
    services = Services(
        settings=settings,
        reader=MongoReportReader(db),
        api_keys=ApiKeys(MongoApiKeyRepository(db), settings.api_key_secret, clock),
        clock=clock,
        unit_known=unit_directory(settings.units_url),
        projector=projector,
        sweeper=sweeper,
        consumer=consumer,
        client=client,
        ops=ops,
    )
    try:
        await consumer.start(
            settings.amqp_url, middlewares=[ops.broker_middleware()], metrics=ops.consumer_metrics()
        )
        services.sweeping = asyncio.create_task(sweeper.run(settings.sweep_interval_seconds))
        ops.start(
            {"mongodb": mongo_ping(client), "rabbitmq": consumer.ping},
            QueueDepthGauge(ops.amqp, spec),
        )
    except BaseException:
        await services.stop()
        raise
    return services
