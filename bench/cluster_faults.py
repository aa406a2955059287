"""Broker cluster run: the whole system on a three-node RabbitMQ cluster, and the node that
leads the quorum queues stopped mid-run; then the fault run's invariants.

    .venv/bin/python bench/cluster_faults.py -n 200 -c 8

Why: a province runs a 3-node RabbitMQ cluster (`deploy/`), and the promise is that losing a
node loses nothing: every quorum queue has a replica on each node, a majority (2 of 3) elects a
new leader, and clients reconnect to a surviving node. This run shows the broker's own
replication doing that with motcua's publishers (the outbox relays) and consumers on one machine.

It starts three private nodes (`PrivateCluster`: own ports, data and Erlang cookie, joined with
`rabbitmqctl join_cluster`; never the shared broker), an embedded SecantusDB (unless
MONGODB_URL is set) and every service as its own process. The services take one AMQP URL
(aio-pika and FastStream connect to one host): it is a TCP front that sends each new connection
to the first node that accepts it, as the cluster's Kubernetes Service would send it to a ready
pod, so every queue is declared on, and led by, the first node. Once 40 % of the dossiers are
received, it stops that node (`rabbitmqctl stop`: the whole node) while the desks go on, waits
for every queue to have a leader on the other two and every consumer to be back, and then
checks: each quorum queue had a member on all three nodes; after the stop, events were still
published and consumed; and once nothing is in flight, the fault run's invariants (reporting =
intake, no message twice, messages in lifecycle order, no dead letter, nothing parked). Exit 1
when one fails. Service logs go to bench/results/cluster-<run>/ (ignored by git).
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
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from faultrun.driver import Driver
from faultrun.figures import Check
from faultrun.harness import databases, desks, end_checks, local_day, mongo_server, print_checks
from faultrun.quiet import consumer_queues, wait_until_quiet
from pymongo.asynchronous.collection import AsyncCollection

from motcua_shared.messaging.outbox import PENDING, SENT
from motcua_shared.storage.embedded_mongo import EmbeddedMongo
from motcua_shared.testing.front import TcpFront
from motcua_shared.testing.private_cluster import PrivateCluster
from motcua_shared.testing.system import CONSUMERS, System
from motcua_shared.vietnam.timeutil import utcnow

WAIT_LIMIT = 180.0  # seconds a state may take before the run says it never came


@dataclass
class ClusterView:
    """The cluster as the checks see it: clients connect through the front."""

    cluster: PrivateCluster
    url: str

    def queues(self) -> dict[str, dict[str, int]]:
        return self.cluster.queues()


async def _until(
    predicate: Callable[[], bool], limit: float = WAIT_LIMIT, every: float = 1.0
) -> tuple[bool, float]:
    """Wait for a state (a blocking predicate, run on a thread); (reached, seconds)."""
    started = time.monotonic()
    while not await asyncio.to_thread(predicate):
        if time.monotonic() - started > limit:
            return False, time.monotonic() - started
        await asyncio.sleep(every)
    return True, time.monotonic() - started


def replicated(cluster: PrivateCluster, prefix: str) -> Check:
    queues = cluster.quorum_queues(prefix)
    everywhere = {node.node for node in cluster.nodes}
    short = [
        f"{name}: members {sorted(info['members'])}"
        for name, info in queues.items()
        if set(info["members"]) != everywhere
    ]
    return Check(
        "every quorum queue of the run has a member on each of the three nodes",
        ok=bool(queues) and not short,
        lines=[
            f"{len(queues)} quorum queues; leaders: "
            + ", ".join(f"{n} {c}" for n, c in Counter(cluster.leaders(prefix).values()).items()),
            *short,
        ],
    )


async def stop_leader(
    cluster: PrivateCluster,
    system: System,
    driver: Driver,
    intake_outbox: AsyncCollection,
    mark: int,
) -> Check:
    """At `mark` receipts: stop the node leading most of the run's queues, the desks going on."""
    prefix = system.exchange + "."
    while driver.receipts_done < mark:
        await asyncio.sleep(0.05)
    driver.allow(len(driver.plans))
    leaders = await asyncio.to_thread(cluster.leaders, prefix)
    leader, led = Counter(leaders.values()).most_common(1)[0]
    depths = await asyncio.to_thread(cluster.queues)
    in_flight = {
        name.removeprefix(prefix): row["messages"]
        for name, row in depths.items()
        if name.startswith(prefix) and row["messages"]
    }
    pending = await intake_outbox.count_documents({"status": PENDING})
    received_at_stop, stopped_at = driver.received, utcnow()
    started = time.monotonic()
    await asyncio.to_thread(cluster.node(leader).stop)
    stop_seconds = time.monotonic() - started
    survivors = {node.node for node in cluster.nodes if node.running}
    queues = await asyncio.to_thread(consumer_queues, system, ClusterView(cluster, ""))

    def led_by_survivors() -> bool:
        return set(cluster.leaders(prefix).values()) <= survivors

    def consumed() -> bool:  # every consumer queue has its consumers back
        rows = cluster.queues()
        return all(rows[name]["consumers"] > 0 for name in queues)

    elected, election_seconds = await _until(led_by_survivors)
    back, consumers_seconds = await _until(consumed)

    async def published_after() -> bool:  # an event written after the stop went out
        return (
            await intake_outbox.count_documents({"created_at": {"$gt": stopped_at}, "status": SENT})
            > 0
        )

    started_publish = time.monotonic()
    while (
        not (publishing := await published_after())
        and time.monotonic() - started_publish < WAIT_LIMIT
    ):
        await asyncio.sleep(0.5)
    new_leaders = Counter((await asyncio.to_thread(cluster.leaders, prefix)).values())
    lines = [
        f"stopped {leader} (leader of {led} of {len(leaders)} queues) in {stop_seconds:.1f} s, "
        f"{received_at_stop} dossiers received by then; in flight at the stop: "
        f"queues {in_flight or 'none'}, intake outbox pending {pending}",
        "leaders after: "
        + ", ".join(f"{n} {c}" for n, c in new_leaders.items())
        + f" (elected within {election_seconds:.1f} s)",
        f"every consumer ({', '.join(CONSUMERS)}) back on a surviving node "
        f"after {consumers_seconds:.1f} s",
        f"events written after the stop published: {'yes' if publishing else 'NO'} "
        f"({time.monotonic() - started_publish:.1f} s after the consumers were back)",
    ]
    hit = bool(in_flight) or pending > 0 or driver.received < len(driver.plans)
    return Check(
        "the leader node stopped mid-run; the other two carried on",
        ok=hit and elected and back and publishing and led == len(leaders),
        lines=lines,
    )


async def cluster_run(
    args: argparse.Namespace,
    system: System,
    cluster: PrivateCluster,
    front: TcpFront,
    mongodb_url: str,
) -> bool:
    first_day, started = local_day(), time.monotonic()
    view = ClusterView(cluster, f"amqp://guest:guest@127.0.0.1:{front.port}/")
    async with databases(system, mongodb_url) as dbs:
        async with desks(system, args.n, args.c, args.seed) as driver:
            print(
                f"Mongo server:  {await mongo_server(mongodb_url)} | broker: cluster of "
                + ", ".join(f"{n.node} (port {n.port})" for n in cluster.nodes),
                flush=True,
            )
            checks = [await asyncio.to_thread(replicated, cluster, system.exchange + ".")]
            mark = round(args.n * 0.4)
            driver.allow(mark)
            fault = asyncio.create_task(
                stop_leader(cluster, system, driver, dbs["intake"].outbox, mark)
            )
            await driver.run()
            checks.append(await fault)
            print("fault:", *checks[-1].lines, sep="\n    ", flush=True)
            load_seconds = time.monotonic() - started
            print(
                f"load done:     {load_seconds:.0f} s ({args.n / load_seconds:.1f} dossiers/s)",
                flush=True,
            )
        quiet, backlog, waited = await wait_until_quiet(
            system, view, dbs, timeout=args.quiet_timeout
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
        checks += await end_checks(driver, system, view, dbs, first_day)
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
        "--logs", type=Path, help="where service logs go (default bench/results/cluster-<run>)"
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a test's timeout: stop everything
    for noisy in (
        "aiormq",
        "aio_pika",
    ):  # the node stop is ours: its connection errors are expected
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    run_id = uuid.uuid4().hex[:8]
    logs = args.logs or Path(__file__).parent / "results" / f"cluster-{run_id}"
    logs.mkdir(parents=True, exist_ok=True)
    print(f"logs:          {logs}")
    ok = False
    with tempfile.TemporaryDirectory(prefix="motcua-cluster-") as tmp:
        embedded = None if os.environ.get("MONGODB_URL") else EmbeddedMongo(Path(tmp) / "mongo")
        cluster = PrivateCluster(Path(tmp) / "rabbitmq", name=f"motcua-cluster-{run_id}")
        front: TcpFront | None = None
        system: System | None = None
        try:
            mongodb_url = embedded.start().url if embedded else os.environ["MONGODB_URL"]
            started = time.monotonic()
            cluster.start(timeout=600)
            print(
                f"cluster:       {len(cluster.nodes)} nodes formed in "
                f"{time.monotonic() - started:.0f} s",
                flush=True,
            )
            front = TcpFront(
                [("127.0.0.1", node.port) for node in cluster.nodes], "failover"
            ).start()
            system = System.create(
                f"amqp://guest:guest@127.0.0.1:{front.port}/",
                mongodb_url,
                logs,
                NOTIFY_CLAIM_LEASE_SECONDS="15",
            )
            system.ready_timeout = 300  # many processes starting at once on two shared cores
            system.start()
            ok = asyncio.run(cluster_run(args, system, cluster, front, mongodb_url))
        finally:
            if system is not None:
                system.stop()
            if front is not None:
                front.stop()
            cluster.stop()
            if embedded:
                embedded.stop()
            elif system is not None:
                from pymongo import MongoClient

                with MongoClient(os.environ["MONGODB_URL"]) as client:
                    for service in ("intake", "notify", "survey", "reporting"):
                        client.drop_database(system.db_name(service))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
