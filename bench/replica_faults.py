"""Replicas run: two intake, two notify and two reporting processes on K = 4 partitions; the
relay holder and active consumers SIGKILLed mid-stream; then the invariants.

    .venv/bin/python bench/replica_faults.py -n 300 -c 8

Why (issue 15): with replicas, order must be a property of the system, not of one process: one
outbox relay publishes at a time (a lease with a fencing token), the ordered consumers (notify,
reporting) read K single-active partitions of a consistent-hash exchange, so a dossier stays on
one partition and each partition is handled by one process at a time, and a replica that dies
hands its lease or partitions to the other.

It starts a private RabbitMQ node with the consistent-hash plugin (never the shared broker), an
embedded SecantusDB (unless MONGODB_URL is set), the sandboxes, survey and desk once, and intake,
notify and reporting twice each (`System.create(replicas=…)`, each service's replicas behind one
address as a Kubernetes Service). Desk officers drive N dossiers through their journeys; at 30 %
the intake holding the relay's lease is SIGKILLed, at 50 % the active consumer of a notify
partition, at 70 % of a reporting partition (`faultrun/replica_faults.py`); each is restarted
once the other replica has taken over. Once nothing is in flight: every citizen's messages
arrived in lifecycle order and none twice, reporting equals intake, no dead letter, nothing
parked (`faultrun/harness.py`). Exit 1 when one fails. Logs in bench/results/replicas-<run>/.
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
from pathlib import Path

from faultrun.driver import Driver
from faultrun.figures import Check
from faultrun.harness import databases, desks, end_checks, local_day, mongo_server, print_checks
from faultrun.quiet import wait_until_quiet
from faultrun.replica_faults import hold_at, kill_active_consumer, kill_relay_holder
from pymongo.asynchronous.database import AsyncDatabase

from motcua_shared.storage.embedded_mongo import EmbeddedMongo
from motcua_shared.testing.private_broker import PrivateBroker
from motcua_shared.testing.system import System

PARTITIONS = 4
REPLICAS = {"intake": 2, "notify": 2, "reporting": 2}
# The relay lease as deployed (5 s, renewed every 1.5 s); partitions shared again within seconds
# of a restart (default every 10 s); a message left "sending" by a kill recovered within the run.
FAST = {
    "NOTIFY_CLAIM_LEASE_SECONDS": "15",
    "CONSUMER_REBALANCE_SECONDS": "2",
    "MOTCUA_PARTITIONS": str(PARTITIONS),
}


async def faults(
    system: System, broker: PrivateBroker, driver: Driver, dbs: dict[str, AsyncDatabase]
) -> list[Check]:
    total = len(driver.plans)
    marks = [round(share * total) for share in (0.3, 0.5, 0.7)] + [total]
    reports = []
    await hold_at(driver, marks[0])
    reports.append(await kill_relay_holder(system, driver, dbs["intake"], then=marks[1]))
    print("fault:", *reports[-1].lines, sep="\n    ", flush=True)
    await hold_at(driver, marks[1])
    reports.append(await kill_active_consumer(system, broker, driver, "notify", then=marks[2]))
    print("fault:", *reports[-1].lines, sep="\n    ", flush=True)
    await hold_at(driver, marks[2])
    reports.append(await kill_active_consumer(system, broker, driver, "reporting", then=marks[3]))
    print("fault:", *reports[-1].lines, sep="\n    ", flush=True)
    return reports


async def replica_run(
    args: argparse.Namespace, system: System, broker: PrivateBroker, mongodb_url: str
) -> bool:
    first_day, started = local_day(), time.monotonic()
    async with databases(system, mongodb_url) as dbs:
        async with desks(system, args.n, args.c, args.seed) as driver:
            print(
                f"Mongo server:  {await mongo_server(mongodb_url)} | "
                f"broker: private node {broker.node} "
                f"(RabbitMQ, port {broker.port}) | K = {PARTITIONS} | processes: "
                + ", ".join(name for name in system.processes),
                flush=True,
            )
            driver.allow(0)
            schedule = asyncio.create_task(faults(system, broker, driver, dbs))
            try:
                await driver.run()
                checks = await schedule
            finally:
                driver.allow(len(driver.plans))
            load_seconds = time.monotonic() - started
            print(
                f"load done:     {load_seconds:.0f} s ({args.n / load_seconds:.1f} dossiers/s)",
                flush=True,
            )
        quiet, backlog, waited = await wait_until_quiet(
            system, broker, dbs, timeout=args.quiet_timeout
        )
        print(
            f"quiet after:   {waited:.0f} s"
            if quiet
            else f"NOT QUIET after {waited:.0f} s: {backlog}",
            flush=True,
        )
        checks.append(
            Check(
                "the system became quiet (outboxes, queues, notify's sends)",
                ok=quiet,
                lines=[", ".join(f"{k} {v}" for k, v in backlog.items())],
            )
        )
        checks += await end_checks(driver, system, broker, dbs, first_day)
    return print_checks(driver, checks, started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="dossiers to receive")
    parser.add_argument("-c", type=int, default=8, help="concurrent desk officers")
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument(
        "--quiet-timeout", type=float, default=900, help="seconds to wait for quiet"
    )
    parser.add_argument(
        "--logs", type=Path, help="where service logs go (default bench/results/replicas-<run>)"
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a test's timeout: stop everything
    for noisy in ("aiormq", "aio_pika"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    run_id = uuid.uuid4().hex[:8]
    logs = args.logs or Path(__file__).parent / "results" / f"replicas-{run_id}"
    logs.mkdir(parents=True, exist_ok=True)
    print(f"logs:          {logs}")
    ok = False
    with tempfile.TemporaryDirectory(prefix="motcua-replicas-") as tmp:
        embedded = None if os.environ.get("MONGODB_URL") else EmbeddedMongo(Path(tmp) / "mongo")
        broker = PrivateBroker(Path(tmp) / "rabbitmq", name=f"motcua-replicas-{run_id}")
        system: System | None = None
        try:
            mongodb_url = embedded.start().url if embedded else os.environ["MONGODB_URL"]
            broker.start(timeout=600)  # a loaded machine boots Erlang slowly
            system = System.create(broker.url, mongodb_url, logs, replicas=REPLICAS, **FAST)
            system.ready_timeout = 300  # many processes starting at once on two shared cores
            system.start()
            ok = asyncio.run(replica_run(args, system, broker, mongodb_url))
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
