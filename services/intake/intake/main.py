"""Composition root: settings → MongoDB adapters + outbox relay → use cases → HTTP API.

`create_app(settings)` builds the FastAPI app; its lifespan opens MongoDB, creates indexes,
loads the demo catalogue, starts the outbox relay and the metrics refresh, and stops all of it
cleanly. /healthz, /readyz and /metrics come from motcua_shared.ops.
`run()` (console script `intake-service`) serves it with uvicorn on settings.port (8001)."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI, Request, Response

from motcua_shared.api_errors import install_error_handlers
from motcua_shared.auth import bearer_principal
from motcua_shared.backlog_gauges import OutboxBacklogGauge
from motcua_shared.event_log import event_log_router
from motcua_shared.health import mongo_ping
from motcua_shared.logs import configure_logging, correlation
from motcua_shared.mongo import close_client, mongo_client
from motcua_shared.ops import Operations
from motcua_shared.outbox import Outbox, OutboxRelay

from intake.adapters.indexes import ensure_indexes
from intake.adapters.mongo_catalogue import MongoCatalogue
from intake.adapters.mongo_dossiers import MongoDossierReader, MongoUnitOfWork
from intake.adapters.mongo_lookup_guard import MongoLookupGuard
from intake.adapters.overdue_gauge import OverdueDossiersGauge
from intake.adapters.mongo_officers import MongoOfficers
from intake.adapters.mongo_worklists import MongoWorkLists
from intake.adapters.passwords import Argon2Hasher
from intake.adapters.seed import seed_demo, seed_demo_officers
from intake.api.calendar import calendar_router
from intake.api.catalogue import catalogue_router
from intake.api.dossiers import dossiers_router
from intake.api.errors import install_domain_error_handlers
from intake.api.officers import officers_router
from intake.api.public import public_router
from intake.api.transitions import transitions_router
from intake.api.worklists import worklists_router
from intake.app.context import IntakeApp
from intake.app.officers import Accounts
from intake.domain.officers import LockoutPolicy
from intake.settings import IntakeSettings

log = logging.getLogger("intake")


def create_app(settings: IntakeSettings | None = None) -> FastAPI:
    settings = settings or IntakeSettings()
    ops = Operations("intake", settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client = mongo_client(settings.mongodb_url)
        db = client[settings.db_name]
        outbox = Outbox(db.outbox)
        guard = MongoLookupGuard(db.lookup_failures, settings.lookup_max_failures, settings.lookup_window_seconds)
        await outbox.ensure_indexes()
        await guard.ensure_indexes()
        await ensure_indexes(db)
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
        relay = OutboxRelay(outbox, settings.amqp_url, settings.exchange, poll_interval=settings.relay_poll_interval)
        app.state.outbox = outbox
        app.state.intake = IntakeApp(
            uow=MongoUnitOfWork(client, db, outbox, on_commit=relay.wake),
            dossiers=MongoDossierReader(db),
            catalogue=MongoCatalogue(db),
            lookup_guard=guard,
            clock_policy=settings.clock_policy,
        )
        relay.start()
        # RabbitMQ: the relay connects only when it has events, so a connection of ops' own asks.
        ops.start({"mongodb": mongo_ping(client), "rabbitmq": ops.amqp.ping},
                  OutboxBacklogGauge(outbox), OverdueDossiersGauge(db))
        try:
            yield
        finally:
            await ops.stop()
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
    principal = bearer_principal(settings.jwt_secret, settings.jwt_algorithm)

    @app.middleware("http")
    async def correlation_id(request: Request, call_next) -> Response:  # type: ignore[no-untyped-def]
        with correlation(request.headers.get("x-correlation-id")):
            return await call_next(request)

    app.include_router(dossiers_router(principal))
    app.include_router(transitions_router(principal))
    app.include_router(catalogue_router())
    app.include_router(calendar_router(principal))
    app.include_router(public_router())
    app.include_router(officers_router(principal))
    app.include_router(worklists_router(principal))
    app.include_router(event_log_router(lambda: app.state.outbox, principal))
    return app


def run() -> None:
    settings = IntakeSettings()
    configure_logging("intake", settings.log_level)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None)


if __name__ == "__main__":
    run()
