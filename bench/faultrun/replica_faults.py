"""The faults of the replicas run (`bench/replica_faults.py`), each landing mid-stream:

1. SIGKILL the intake process holding the outbox relay's lease (`outbox_lease`, i15r: the
   holder's id names its pid), then wait for the other replica to take the lease over and
   publish an event written after the kill; restart the killed one (as Kubernetes would), which
   stands by.
2. SIGKILL a process that is the active consumer of a partition (rabbitmqctl lists which
   consumer of a single-active queue is active and its connection's client port, which names
   the process). It is frozen first (SIGSTOP) until its partitions hold messages, so the kill
   lands on work in hand; then the other replica must become active on every partition, and
   the killed one is restarted.

Each fault reports what it hit; one that hit nothing, or after which the system did not carry
on, fails the run.
"""

import asyncio
import signal
import subprocess
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from motcua_shared.messaging.outbox import PENDING, SENT
from motcua_shared.testing.private_broker import PrivateBroker
from motcua_shared.testing.system import System
from motcua_shared.vietnam.timeutil import utcnow

from faultrun.driver import Driver
from faultrun.figures import Check

WAIT_LIMIT = 180.0  # seconds a state may take before the run says it never came
LEASE = "outbox"  # the lease document's _id: the outbox collection's name
T = TypeVar("T")


async def until(
    predicate: Callable[[], Awaitable[bool]], limit: float = WAIT_LIMIT, every: float = 0.5
) -> tuple[bool, float]:
    """Wait for a state; (reached, seconds waited)."""
    started = time.monotonic()
    while not await predicate():
        if time.monotonic() - started > limit:
            return False, time.monotonic() - started
        await asyncio.sleep(every)
    return True, time.monotonic() - started


async def hold_at(driver: Driver, mark: int) -> None:
    """Let the desks begin journeys up to `mark` and wait until those receipts are done; the
    fault then freezes its target and lets the desks on (`driver.allow`), so work piles up
    behind the frozen process whatever the machine's speed."""
    driver.allow(mark)
    while driver.receipts_done < mark:
        await asyncio.sleep(0.05)


async def relay_holder(system: System, intake_db: AsyncDatabase) -> tuple[str | None, dict | None]:
    """(process name, lease document) of the intake replica holding the relay's lease."""
    lease = await intake_db.outbox_lease.find_one({"_id": LEASE})
    if not lease or not lease.get("holder"):
        return None, lease
    pid = int(str(lease["holder"]).split(":")[1])
    names = [
        name
        for name in system.replica_names("intake")
        if name in system.processes and system.processes[name].pid == pid
    ]
    return (names[0] if names else None), lease


async def kill_relay_holder(
    system: System, driver: Driver, intake_db: AsyncDatabase, then: int
) -> Check:
    outbox = intake_db.outbox
    holder, lease = await relay_holder(system, intake_db)
    if holder is None:  # the lease is taken with the first event: wait for it
        await until(lambda: _has_holder(system, intake_db))
        holder, lease = await relay_holder(system, intake_db)
    if holder is None or lease is None:
        return Check(
            "SIGKILL the relay holder",
            ok=False,
            lines=[f"no intake process holds the lease: {lease}"],
        )
    system.processes[holder].send_signal(signal.SIGSTOP)  # frozen: events pile up behind it
    driver.allow(then)
    await until(lambda: _pending(outbox), limit=120, every=0.1)
    pending = await outbox.count_documents({"status": PENDING})
    await asyncio.to_thread(system.kill, holder)
    killed_at, received_at_kill = utcnow(), driver.received

    async def taken_over() -> bool:
        now = await intake_db.outbox_lease.find_one({"_id": LEASE})
        return bool(
            now
            and now.get("holder")
            and now["holder"] != lease["holder"]
            and now["token"] > lease["token"]
        )

    async def published_after() -> bool:
        return await outbox.count_documents({"created_at": {"$gt": killed_at}, "status": SENT}) > 0

    took, takeover_s = await until(taken_over)
    new_holder, new_lease = await relay_holder(system, intake_db)
    published, publish_s = await until(published_after)
    left, _ = await until(lambda: _none_pending_before(outbox, killed_at))
    await asyncio.to_thread(system.restart, holder)
    return Check(
        "SIGKILL the relay holder: the other intake takes the lease and publishes",
        ok=pending > 0 and took and published and left,
        lines=[
            f"killed {holder} (lease token {lease['token']}) with {pending} events pending, "
            f"{received_at_kill} dossiers received",
            f"lease taken over by {new_holder} (token {new_lease and new_lease['token']}) "
            f"{takeover_s:.1f} s after the kill"
            if took
            else "lease NOT taken over",
            f"an event written after the kill published {publish_s:.1f} s after the take-over"
            if published
            else "NOTHING written after the kill was published",
            "every event pending at the kill published" if left else "events left pending",
            f"{holder} restarted (standing by)",
        ],
    )


async def _has_holder(system: System, intake_db: AsyncDatabase) -> bool:
    return (await relay_holder(system, intake_db))[0] is not None


async def _pending(outbox: AsyncCollection) -> bool:
    return await outbox.count_documents({"status": PENDING}) > 0


async def _none_pending_before(outbox: AsyncCollection, moment: datetime) -> bool:
    return await outbox.count_documents({"status": PENDING, "created_at": {"$lte": moment}}) == 0


def patiently(read: Callable[[], T]) -> T:
    """A rabbitmqctl read, asked again when the CLI times out booting on a loaded machine."""
    for _ in range(2):
        try:
            return read()
        except subprocess.TimeoutExpired:
            continue
    return read()


def partitions_of(broker: PrivateBroker, system: System, service: str) -> dict[str, list[dict]]:
    """{partition queue: its consumers} of a service's partitioned queue."""
    prefix = f"{system.exchange}.{service}.p"
    found: dict[str, list[dict]] = {}
    for consumer in patiently(broker.consumers):
        if str(consumer["queue"]).startswith(prefix):
            found.setdefault(str(consumer["queue"]), []).append(consumer)
    return found


def active_process(broker: PrivateBroker, system: System, service: str) -> dict[str, str | None]:
    """{partition queue: the process name of its active consumer}."""
    return {
        queue: next(
            (
                system.process_with_port(int(c["peer_port"]))
                for c in consumers
                if c["active"] and c["peer_port"] is not None
            ),
            None,
        )
        for queue, consumers in partitions_of(broker, system, service).items()
    }


async def kill_active_consumer(
    system: System, broker: PrivateBroker, driver: Driver, service: str, then: int
) -> Check:
    actives = await asyncio.to_thread(active_process, broker, system, service)
    victims = sorted({name for name in actives.values() if name})
    if not victims:
        return Check(
            f"SIGKILL an active {service} consumer",
            ok=False,
            lines=[f"no active consumer found: {actives}"],
        )
    victim = victims[0]
    led = sorted(queue.rpartition(".")[2] for queue, name in actives.items() if name == victim)
    system.processes[victim].send_signal(signal.SIGSTOP)
    driver.allow(then)

    async def holding() -> bool:  # its partitions hold messages (ready or in its hands)
        rows = await asyncio.to_thread(patiently, broker.queues)
        return sum(rows[f"{system.exchange}.{service}.{p}"]["messages"] for p in led) > 0

    await until(holding, limit=120, every=0.5)
    rows = await asyncio.to_thread(patiently, broker.queues)
    in_flight = {p: rows[f"{system.exchange}.{service}.{p}"]["messages"] for p in led}
    await asyncio.to_thread(system.kill, victim)
    received_at_kill = driver.received
    survivors = set(system.replica_names(service)) - {victim}

    async def taken_over() -> bool:
        now = await asyncio.to_thread(active_process, broker, system, service)
        return bool(now) and all(name in survivors for name in now.values())

    took, takeover_s = await until(taken_over, every=2.0)
    await asyncio.to_thread(system.restart, victim)
    return Check(
        f"SIGKILL an active {service} consumer: the other replica takes its partitions",
        ok=took and any(in_flight.values()),
        lines=[
            f"killed {victim}, active on {', '.join(led)} with {in_flight} messages there, "
            f"{received_at_kill} dossiers received; partitions before: "
            + ", ".join(f"{q.rpartition('.')[2]} {n}" for q, n in sorted(actives.items())),
            f"every partition active on {', '.join(sorted(survivors))} "
            f"{takeover_s:.1f} s after the kill"
            if took
            else "partitions NOT taken over",
            f"{victim} restarted (standing by)",
        ],
    )
