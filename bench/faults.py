"""Fault run: the whole system under faults, then the invariants that must still hold.

    .venv/bin/python bench/faults.py              # 2,000 dossiers, 12 desk officers
    .venv/bin/python bench/faults.py -n 300 -c 8

Starts a private RabbitMQ node (never the shared broker: this run stops its broker), an
embedded SecantusDB (unless MONGODB_URL is set) and every service as its own process. Desk
officers receive N dossiers over intake's HTTP API and take them through their journeys
(`faultrun/journeys.py`); meanwhile notify, reporting and survey are SIGKILLed and restarted,
the broker is stopped and started, and intake is SIGKILLed with events in its outbox
(`faultrun/schedule.py`). Then it waits until nothing is in flight and prints: intake's
counts against reporting's totals, messages per (phone, dossier, kind), surveys per dossier,
every dead-letter queue (`faultrun/figures.py`). Exit status 1 when an invariant fails.
Service logs are kept in bench/results/faults-<run>/ (ignored by git). Stop it with Ctrl-C or
SIGTERM: both stop everything it started.
"""

import argparse
import asyncio
import logging
import os
import signal
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from faultrun import figures
from faultrun.driver import Driver
from faultrun.figures import Check
from faultrun.journeys import JOURNEYS, plans
from faultrun.quiet import wait_until_quiet
from faultrun.schedule import FaultSchedule

from motcua_shared.storage.embedded_mongo import EmbeddedMongo
from motcua_shared.storage.mongo import close_client, mongo_client
from motcua_shared.testing.private_broker import PrivateBroker
from motcua_shared.testing.system import SERVICES, System

VN = ZoneInfo("Asia/Ho_Chi_Minh")
OFFICERS = {"desk": "desk01", "specialist": "cv01", "leader": "ld01"}


def local_day() -> str:
    return datetime.now(UTC).astimezone(VN).date().isoformat()


async def mongo_server(url: str) -> str:
    client = mongo_client(url)
    try:
        info = await client.admin.command("buildInfo")
    finally:
        await close_client(client)
    return (
        f"SecantusDB {info['secantusVersion']}"
        if "secantusVersion" in info
        else f"MongoDB {info.get('version')}"
    )


async def fault_run(
    args: argparse.Namespace, system: System, broker: PrivateBroker, mongodb_url: str
) -> bool:
    first_day, started = local_day(), time.monotonic()
    tokens: dict[tuple[str, str], dict[str, str]] = {}

    def headers(unit: str, role: str) -> dict[str, str]:
        if (unit, role) not in tokens:
            tokens[unit, role] = system.token(OFFICERS[role], unit, role)
        return tokens[unit, role]

    mongo = mongo_client(mongodb_url)
    dbs = {service: mongo[system.db_name(service)] for service in SERVICES}
    limits = httpx.Limits(max_connections=args.c * 2 + 10)
    async with (
        httpx.AsyncClient(base_url=system.urls["intake"], timeout=120, limits=limits) as intake,
        httpx.AsyncClient(base_url=system.urls["survey"], timeout=120) as survey,
    ):
        units = [
            u["code"] for u in (await intake.get("/api/v1/units")).json() if u["level"] == "commune"
        ]
        # Fee-collecting procedures are left out: the journeys do not pay (fees have their own e2e
        # journey).
        procedures = [
            p
            for p in (await intake.get("/api/v1/procedures")).json()
            if not p.get("linked_tasks") and not p.get("fee_due")
        ]
        driver = Driver(
            intake,
            survey,
            headers,
            system.token("faults", units[0], "system"),
            plans(args.n, units, procedures, seed=args.seed),
            concurrency=args.c,
        )
        schedule = FaultSchedule(system, broker, driver, dbs["intake"].outbox)
        print(
            f"Mongo server:  {await mongo_server(mongodb_url)} | broker: private node "
            f"{broker.node} "
            f"(RabbitMQ, port {broker.port})"
        )
        print(
            f"load:          {args.n} dossiers, {args.c} desk officers, {len(units)} units, "
            f"{len(procedures)} procedures, seed {args.seed}"
        )
        print(
            "journeys:      "
            + ", ".join(
                f"{name} {sum(p.journey == name for p in driver.plans)}" for name in JOURNEYS
            ),
            flush=True,
        )
        driver.allow(0)  # the schedule opens the desks, one fault's mark at a time
        faults = asyncio.create_task(schedule.run())
        await driver.run()
        await faults  # every threshold is below the last receipt, so it is done or finishing
        load_seconds = time.monotonic() - started
        print(
            f"load done:     {load_seconds:.0f} s ({args.n / load_seconds:.1f} dossiers/s)",
            flush=True,
        )

    quiet, backlog, waited = await wait_until_quiet(system, broker, dbs, timeout=args.quiet_timeout)
    print(
        f"quiet after:   {waited:.0f} s" if quiet else f"NOT QUIET after {waited:.0f} s: {backlog}",
        flush=True,
    )
    period = {"from": first_day, "to": local_day()}
    checks = [
        Check(
            "every journey went as planned (no unexpected answer)",
            ok=not driver.errors,
            lines=driver.errors[:20] + [f"({len(driver.errors)} in all)"] * bool(driver.errors),
        ),
        Check(
            "every fault hit work in flight; every service came back by itself",
            ok=all(r.counts and not r.problem for r in schedule.reports)
            and len(schedule.reports) == 5,
            lines=[r.line() for r in schedule.reports],
        ),
        Check(
            "the system became quiet (outboxes, queues, notify's sends)",
            ok=quiet,
            lines=[", ".join(f"{k} {v}" for k, v in backlog.items())],
        ),
    ]
    intake_check, by_unit = await figures.intake_dossiers(driver, system.urls)
    checks.append(intake_check)
    checks += await figures.reporting_totals(driver, system.urls, by_unit, period)
    checks.append(await figures.surveys(driver, system.urls))
    checks.append(await figures.messages(driver, system.urls))
    checks.append(await figures.dead_letters(broker.url, system.exchange))
    checks.append(figures.parked(await dbs["reporting"].parked_events.count_documents({})))
    await close_client(mongo)

    print(
        "\nwhat the driver had to repeat: "
        + (", ".join(f"{k} {v}" for k, v in sorted(driver.tally.items())) or "nothing")
    )
    for check in checks:
        print(f"\n[{'ok' if check.ok else 'FAILED'}] {check.name}")
        for line in check.lines:
            print(f"    {line}")
    failed = [c.name for c in checks if not c.ok]
    print(
        f"\ntotal duration {time.monotonic() - started:.0f} s; "
        + (f"{len(failed)} invariant(s) FAILED" if failed else "every invariant holds")
    )
    return not failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="dossiers to receive")
    parser.add_argument("-c", type=int, default=12, help="concurrent desk officers")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument(
        "--quiet-timeout", type=float, default=3600, help="seconds to wait for quiet"
    )
    parser.add_argument(
        "--logs", type=Path, help="where service logs go (default bench/results/faults-<run>)"
    )
    args = parser.parse_args()
    # A background job ignores SIGINT: SIGTERM (e.g. a test's timeout) ends the run through the
    # finally below, which stops the services, the private broker and the embedded Mongo.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    for noisy in (
        "aiormq",
        "aio_pika",
    ):  # the broker outage is ours: its connection errors are expected
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    run_id = uuid.uuid4().hex[:8]
    logs = args.logs or Path(__file__).parent / "results" / f"faults-{run_id}"
    logs.mkdir(parents=True, exist_ok=True)
    print(f"logs:          {logs}")
    with tempfile.TemporaryDirectory(prefix="motcua-faults-") as tmp:
        embedded = None if os.environ.get("MONGODB_URL") else EmbeddedMongo(Path(tmp) / "mongo")
        broker = PrivateBroker(Path(tmp) / "rabbitmq", name=f"motcua-faults-{run_id}")
        system: System | None = None
        try:
            mongodb_url = embedded.start().url if embedded else os.environ["MONGODB_URL"]
            broker.start()
            # A claim lease far above the sandbox's answer time but short enough that a message
            # left "sending" by the SIGKILL is recovered within the run.
            system = System.create(broker.url, mongodb_url, logs, NOTIFY_CLAIM_LEASE_SECONDS="15")
            system.start()
            ok = asyncio.run(fault_run(args, system, broker, mongodb_url))
        finally:
            if system is not None:
                system.stop()
                if not embedded:
                    system.drop(broker.url, mongodb_url)
            broker.stop()
            if embedded:
                embedded.stop()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
