"""Composition root: settings → MongoDB adapters + outbox relay → use cases → HTTP API.

`create_app(settings)` builds the FastAPI app; its lifespan opens MongoDB, creates indexes,
loads the demo catalogue, starts the outbox relay, the deadline scheduler and the metrics refresh, and stops all of it
cleanly. /healthz, /readyz and /metrics come from motcua_shared.ops.
`run()` (console script `intake-service`) serves it with uvicorn on settings.port (8001)."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI, Request, Response
from pymongo.asynchronous.database import AsyncDatabase

from motcua_shared.api_errors import install_error_handlers
from motcua_shared.auth import bearer_principal
from motcua_shared.backlog_gauges import OutboxBacklogGauge
from motcua_shared.event_log import event_log_router
from motcua_shared.health import mongo_ping
from motcua_shared.logs import configure_logging, correlation
from motcua_shared.mongo import close_client, mongo_client
from motcua_shared.ops import Operations
from motcua_shared.outbox import Outbox, OutboxRelay
from motcua_shared.relay_lease import RelayLeaderGauge
from motcua_shared.secrets_check import refuse_weak_secrets
from motcua_shared.units import UnitDirectory

from intake.adapters.deadline_loop import DeadlineLoop
from intake.adapters.indexes import ensure_indexes
from intake.adapters.mongo_deadlines import MongoDeadlineIndex
from intake.adapters.mongo_officers import MongoOfficerDirectory
from intake.adapters.mongo_step_history import MongoStepHistory
from intake.adapters.gridfs_files import GridFsFileStore
from intake.adapters.mongo_audit import MongoAccessAudit
from intake.adapters.mongo_counters import MongoCounter, MongoPaymentBook
from intake.adapters.mongo_catalogue import MongoCatalogue
from intake.adapters.mongo_dossiers import MongoCitizenDossiers, MongoDossierReader, MongoUnitOfWork
from intake.adapters.mongo_lookup_guard import MongoLookupGuard
from intake.adapters.overdue_gauge import OverdueDossiersGauge
from intake.adapters.mongo_officers import MongoOfficers
from intake.adapters.mongo_worklists import MongoWorkLists
from intake.adapters.passwords import Argon2Hasher
from intake.adapters.seed import seed_demo, seed_demo_officers
from intake.adapters.signing import TokenSigner, parse_keys
from intake.adapters.vnpay import VnpayGateway
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
from intake.app.context import Digitisation, FileLimits, IntakeApp
from intake.app.officers import Accounts
from intake.domain.deadlines import DeadlineRule
from intake.domain.officers import LockoutPolicy
from intake.domain.parts import ApologyRule
from intake.settings import IntakeSettings

log = logging.getLogger("intake")


def digitisation(settings: IntakeSettings, db: AsyncDatabase) -> Digitisation:
    keys = parse_keys(settings.verify_keys, settings.jwt_secret, settings.public_url)
    return Digitisation(
        files=GridFsFileStore(db), audit=MongoAccessAudit(db.access_audit), citizens=MongoCitizenDossiers(db),
        verifications=MongoCounter(db.verification_counts),
        verify_signer=TokenSigner(keys, "motcua-verify"), link_signer=TokenSigner(keys, "motcua-result-link"),
        gateway=VnpayGateway(settings.payment_gateway_url, settings.payment_tmn_code, settings.payment_secret,
                             f"{settings.public_url}/thanh-toan/ket-qua"),
        payments=MongoPaymentBook(db.payments), public_url=settings.public_url,
        limits=FileLimits(settings.max_file_bytes, settings.max_dossier_bytes, settings.result_download_days,
                          settings.download_link_seconds))


def create_app(settings: IntakeSettings | None = None) -> FastAPI:
    settings = settings or IntakeSettings()
    ops = Operations("intake", settings)
    parse_keys(settings.verify_keys, settings.jwt_secret, settings.public_url)  # fail at once, not at the first request

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client = mongo_client(settings.mongodb_url)
        db = client[settings.db_name]
        outbox = Outbox(db.outbox)
        guard = MongoLookupGuard(db.lookup_failures, settings.lookup_max_failures, settings.lookup_window_seconds,
                                 settings.lookup_code_max_failures, settings.lookup_code_window_seconds)
        await outbox.ensure_indexes()
        await guard.ensure_indexes()
        await ensure_indexes(db)
        deadline_index = MongoDeadlineIndex(db)
        await deadline_index.ensure_index()
        digitised = digitisation(settings, db)
        await MongoAccessAudit(db.access_audit).ensure_indexes()
        officers, hasher = MongoOfficers(db.officers), Argon2Hasher()
        await officers.ensure_indexes()
        app.state.worklists = MongoWorkLists(db)
        await app.state.worklists.ensure_indexes()
        if settings.seed_demo:
            units, procedures = await seed_demo(db)
            accounts = await seed_demo_officers(officers, hasher, settings.demo_password)
            log.info("demo catalogue loaded: %d units, %d procedures, %d new demo accounts",
                     units, procedures, accounts)
        app.state.accounts = Accounts(officers, hasher, LockoutPolicy(settings.login_max_failures,
                                                                      settings.login_lock_minutes))
        relay = OutboxRelay(outbox, settings.amqp_url, settings.exchange, poll_interval=settings.relay_poll_interval,
                            **settings.relay_options())
        app.state.outbox = outbox
        app.state.intake = IntakeApp(
            uow=MongoUnitOfWork(client, db, outbox, on_commit=relay.wake),
            dossiers=MongoDossierReader(db),
            catalogue=MongoCatalogue(db),
            lookup_guard=guard,
            clock_policy=settings.clock_policy,
            apology_rule=ApologyRule(settings.apology_lead_working_days, settings.apology_max_extensions),
            deadline_rule=DeadlineRule(settings.due_soon_working_days),
            officers=MongoOfficerDirectory(db),
            deadlines=deadline_index,
            step_history=MongoStepHistory(db),
            digitisation=digitised,
        )
        deadline_loop = DeadlineLoop(app.state.intake, settings.deadline_poll_interval)
        relay.start()
        deadline_loop.start()
        # RabbitMQ: the relay connects only when it has events, so a connection of ops' own asks.
        ops.start({"mongodb": mongo_ping(client), "rabbitmq": ops.amqp.ping},
                  OutboxBacklogGauge(outbox), OverdueDossiersGauge(db), RelayLeaderGauge(relay.lease))
        try:
            yield
        finally:
            await ops.stop()
            await deadline_loop.stop()
            await relay.stop()
            await close_client(client)

    app = FastAPI(
        title="motcua intake",
        version="0.1.0",
        description="Bộ phận Một cửa: tiếp nhận hồ sơ, cấp mã và ngày hẹn, theo dõi quá trình giải quyết. / "
                    "The one-stop desk: receive dossiers, issue codes and due dates, track every step.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_error_handlers(app)
    install_domain_error_handlers(app)
    ops.install(app)
    install_upload_cap(app, settings.max_file_bytes)
    # Intake owns the units: a token's unit is checked against its own catalogue.
    units = UnitDirectory(lambda: _unit_codes(app), ttl=60)
    principal = bearer_principal(settings.jwt_secret, settings.jwt_algorithm,
                                 max_hours=settings.jwt_max_hours, unit_known=units)

    @app.middleware("http")
    async def correlation_id(request: Request, call_next) -> Response:  # type: ignore[no-untyped-def]
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
    app.include_router(event_log_router(lambda: app.state.outbox, principal))
    return app


async def _unit_codes(app: FastAPI) -> set[str]:
    return {unit.code for unit in await app.state.intake.catalogue.units()}


def run() -> None:
    settings = IntakeSettings()
    configure_logging("intake", settings.log_level)
    refuse_weak_secrets(settings, "intake")
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None,
                **settings.uvicorn_proxy_options())


if __name__ == "__main__":
    run()
