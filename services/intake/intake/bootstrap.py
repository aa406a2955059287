"""Composition root: settings → MongoDB adapters + outbox relay → use cases → one `Services`.

`bootstrap(settings, ops)` opens MongoDB, creates indexes, loads the demo catalogue when asked,
builds the use cases' context and starts the outbox relay, the deadline scheduler and ops'
probes and gauges; `Services.stop` stops all of it in reverse. main.py keeps the result on
`app.state.services`, the one object the API reads (api/deps.py). Why one place: a newcomer
finds every dependency of the service here, as in cosmicpython/code's bootstrap.py."""

import logging
from dataclasses import dataclass

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from motcua_shared.messaging.outbox import Outbox
from motcua_shared.messaging.outbox_relay import OutboxRelay
from motcua_shared.messaging.relay_lease import RelayLeaderGauge
from motcua_shared.ops.backlog_gauges import OutboxBacklogGauge
from motcua_shared.ops.health import mongo_ping
from motcua_shared.ops.operations import Operations
from motcua_shared.storage.mongo import close_client, mongo_client

from intake.adapters.deadline_loop import DeadlineLoop
from intake.adapters.gridfs_files import GridFsFileStore
from intake.adapters.indexes import ensure_indexes
from intake.adapters.mongo_audit import MongoAccessAudit
from intake.adapters.mongo_catalogue import MongoCatalogue
from intake.adapters.mongo_counters import MongoCounter, MongoPaymentBook
from intake.adapters.mongo_deadlines import MongoDeadlineIndex
from intake.adapters.mongo_dossiers import (
    MongoCitizenDossiers,
    MongoDossierReader,
    MongoUnitOfWork,
)
from intake.adapters.mongo_lookup_guard import MongoLookupGuard
from intake.adapters.mongo_officers import MongoOfficerDirectory, MongoOfficers
from intake.adapters.mongo_step_history import MongoStepHistory
from intake.adapters.mongo_worklists import MongoWorkLists
from intake.adapters.overdue_gauge import OverdueDossiersGauge
from intake.adapters.passwords import Argon2Hasher
from intake.adapters.seed import seed_demo, seed_demo_officers
from intake.adapters.signing import TokenSigner, parse_keys
from intake.adapters.vnpay import VnpayGateway
from intake.app.context import Digitisation, FileLimits, IntakeApp
from intake.app.officers import Accounts
from intake.app.ports import WorkLists
from intake.domain.deadlines import DeadlineRule
from intake.domain.dossier_parts import ApologyRule
from intake.domain.officers import LockoutPolicy
from intake.settings import IntakeSettings

log = logging.getLogger("intake")


@dataclass
class Services:
    """Everything the API needs, and what has to be stopped."""

    settings: IntakeSettings
    intake: IntakeApp
    accounts: Accounts
    worklists: WorkLists
    outbox: Outbox
    client: AsyncMongoClient
    relay: OutboxRelay
    deadline_loop: DeadlineLoop
    ops: Operations

    async def stop(self) -> None:
        await self.ops.stop()
        await self.deadline_loop.stop()
        await self.relay.stop()
        await close_client(self.client)


def digitisation(settings: IntakeSettings, db: AsyncDatabase) -> Digitisation:
    keys = parse_keys(settings.verify_keys, settings.jwt_secret, settings.public_url)
    return Digitisation(
        files=GridFsFileStore(db),
        audit=MongoAccessAudit(db.access_audit),
        citizens=MongoCitizenDossiers(db),
        verifications=MongoCounter(db.verification_counts),
        verify_signer=TokenSigner(keys, "motcua-verify"),
        link_signer=TokenSigner(keys, "motcua-result-link"),
        gateway=VnpayGateway(
            settings.payment_gateway_url,
            settings.payment_tmn_code,
            settings.payment_secret,
            f"{settings.public_url}/thanh-toan/ket-qua",
        ),
        payments=MongoPaymentBook(db.payments),
        public_url=settings.public_url,
        limits=FileLimits(
            settings.max_file_bytes,
            settings.max_dossier_bytes,
            settings.result_download_days,
            settings.download_link_seconds,
        ),
    )


async def bootstrap(settings: IntakeSettings, ops: Operations) -> Services:
    client = mongo_client(settings.mongodb_url)
    db = client[settings.db_name]
    outbox = Outbox(db.outbox)
    guard = MongoLookupGuard(
        db.lookup_failures,
        settings.lookup_max_failures,
        settings.lookup_window_seconds,
        settings.lookup_code_max_failures,
        settings.lookup_code_window_seconds,
    )
    await outbox.ensure_indexes()
    await guard.ensure_indexes()
    await ensure_indexes(db)
    deadline_index = MongoDeadlineIndex(db)
    await deadline_index.ensure_index()
    digitised = digitisation(settings, db)
    await MongoAccessAudit(db.access_audit).ensure_indexes()
    officers, hasher = MongoOfficers(db.officers), Argon2Hasher()
    await officers.ensure_indexes()
    worklists = MongoWorkLists(db)
    await worklists.ensure_indexes()
    if settings.seed_demo:
        units, procedures = await seed_demo(db)
        accounts = await seed_demo_officers(officers, hasher, settings.demo_password)
        log.info(
            "demo catalogue loaded: %d units, %d procedures, %d new demo accounts",
            units,
            procedures,
            accounts,
        )
    lockout = LockoutPolicy(settings.login_max_failures, settings.login_lock_minutes)
    relay = OutboxRelay(
        outbox,
        settings.amqp_url,
        settings.exchange,
        poll_interval=settings.relay_poll_interval,
        **settings.relay_options(),
    )
    intake = IntakeApp(
        uow=MongoUnitOfWork(client, db, outbox, on_commit=relay.wake),
        dossiers=MongoDossierReader(db),
        catalogue=MongoCatalogue(db, settings.catalogue_check_seconds),
        lookup_guard=guard,
        clock_policy=settings.clock_policy,
        apology_rule=ApologyRule(
            settings.apology_lead_working_days, settings.apology_max_extensions
        ),
        deadline_rule=DeadlineRule(settings.due_soon_working_days),
        officers=MongoOfficerDirectory(db),
        deadlines=deadline_index,
        step_history=MongoStepHistory(db),
        digitisation=digitised,
    )
    deadline_loop = DeadlineLoop(intake, settings.deadline_poll_interval)
    relay.start()
    deadline_loop.start()
    # RabbitMQ: the relay connects only when it has events, so a connection of ops' own asks.
    ops.start(
        {"mongodb": mongo_ping(client), "rabbitmq": ops.amqp.ping},
        OutboxBacklogGauge(outbox),
        OverdueDossiersGauge(db),
        RelayLeaderGauge(relay.lease),
    )
    return Services(
        settings=settings,
        intake=intake,
        accounts=Accounts(officers, hasher, lockout),
        worklists=worklists,
        outbox=outbox,
        client=client,
        relay=relay,
        deadline_loop=deadline_loop,
        ops=ops,
    )
