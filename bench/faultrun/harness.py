"""What the whole-system runs with replicas or a broker cluster share (`bench/cluster_faults.py`,
`bench/replica_faults.py`, `bench/replicas.py`): the Mongo server's name, the desk officers and
their driver over intake's and survey's HTTP APIs, the end checks read back from the services,
and the printout.

Why one place: each run proves the same invariants (reporting equals intake, no message twice,
messages in lifecycle order, nothing dead-lettered or parked) under a different fault; the
checks themselves are `figures.py` and `order.py`.
"""

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx
from pymongo.asynchronous.database import AsyncDatabase

from motcua_shared.storage.mongo import close_client, mongo_client
from motcua_shared.testing.system import System

from faultrun import figures
from faultrun.driver import Driver
from faultrun.figures import Check
from faultrun.journeys import plans
from faultrun.order import lifecycle_order
from faultrun.quiet import Broker, dead_letter_queues

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


def officer_headers(system: System) -> Callable[[str, str], dict[str, str]]:
    tokens: dict[tuple[str, str], dict[str, str]] = {}

    def headers(unit: str, role: str) -> dict[str, str]:
        if (unit, role) not in tokens:
            tokens[unit, role] = system.token(OFFICERS[role], unit, role)
        return tokens[unit, role]

    return headers


@asynccontextmanager
async def desks(system: System, n: int, c: int, seed: int) -> AsyncIterator[Driver]:
    """A driver of `n` planned journeys by `c` desk officers, over intake's (and the kiosk's
    survey) HTTP API. Fee-collecting procedures are left out: the journeys do not pay."""
    limits = httpx.Limits(max_connections=c * 2 + 10)
    async with (
        httpx.AsyncClient(base_url=system.urls["intake"], timeout=120, limits=limits) as intake,
        httpx.AsyncClient(base_url=system.urls["survey"], timeout=120) as survey,
    ):
        units = [
            u["code"] for u in (await intake.get("/api/v1/units")).json() if u["level"] == "commune"
        ]
        procedures = [
            p
            for p in (await intake.get("/api/v1/procedures")).json()
            if not p.get("linked_tasks") and not p.get("fee_due")
        ]
        yield Driver(
            intake,
            survey,
            officer_headers(system),
            system.token("faults", units[0], "system"),
            plans(n, units, procedures, seed=seed),
            concurrency=c,
        )


@asynccontextmanager
async def databases(system: System, mongodb_url: str) -> AsyncIterator[dict[str, AsyncDatabase]]:
    client = mongo_client(mongodb_url)
    try:
        yield {
            service: client[system.db_name(service)]
            for service in ("intake", "notify", "survey", "reporting")
        }
    finally:
        await close_client(client)


async def end_checks(
    driver: Driver, system: System, broker: Broker, dbs: dict[str, AsyncDatabase], first_day: str
) -> list[Check]:
    """Once nothing is in flight: intake's dossiers, reporting = intake, satisfaction, surveys,
    no message twice, messages in lifecycle order, no dead letter, nothing parked."""
    period = {"from": first_day, "to": local_day()}
    intake_check, by_unit = await figures.intake_dossiers(driver, system.urls)
    checks = [
        Check(
            "every journey went as planned (no unexpected answer)",
            ok=not driver.errors,
            lines=driver.errors[:20] + [f"({len(driver.errors)} in all)"] * bool(driver.errors),
        ),
        intake_check,
    ]
    checks += await figures.reporting_totals(driver, system.urls, by_unit, period)
    checks.append(await figures.surveys(driver, system.urls))
    checks.append(await figures.messages(driver, system.urls))
    checks.append(await lifecycle_order(system.urls["sandbox"], dbs["notify"], dbs["intake"]))
    checks.append(
        await figures.dead_letters(broker.url, system.exchange, dead_letter_queues(system, broker))
    )
    checks.append(figures.parked(await dbs["reporting"].parked_events.count_documents({})))
    return checks


def print_checks(driver: Driver, checks: list[Check], started: float) -> bool:
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
        + (f"{len(failed)} invariant(s) FAILED" if failed else "every invariant holds"),
        flush=True,
    )
    return not failed
