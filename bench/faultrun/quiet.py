"""Waiting until the system has nothing left in flight: no consumer queue holds a message (ready
or unacknowledged), no outbox holds a pending event, notify has no message queued or being sent,
and it stays so for a few seconds.

The queues are read first and cheaply (passive declare); the databases only once the queues are
empty or to show progress: counting on the one shared SecantusDB every second would slow the
very consumers being waited for.
"""

import asyncio
import time
from typing import Any, Protocol

from pymongo.asynchronous.database import AsyncDatabase

from motcua_shared.messaging.amqp_probe import AmqpProbe
from motcua_shared.messaging.outbox import PENDING
from motcua_shared.testing.system import System

POLL_SECONDS = 2.0
SHOW_EVERY_SECONDS = 60.0


class Broker(Protocol):
    """A private node or cluster as a run sees it: where clients connect, and every queue's
    depth and consumers (rabbitmqctl)."""

    url: str

    def queues(self) -> dict[str, dict[str, int]]: ...


def consumer_queues(system: System, broker: Broker) -> list[str]:
    """The run's consumer queues, whatever their number (one per consumer, or partitions)."""
    return sorted(
        name
        for name in broker.queues()
        if name.startswith(system.exchange + ".") and not name.endswith((".dlq", ".replicas"))
    )  # .replicas: the partitions' roll-call


def dead_letter_queues(system: System, broker: Broker) -> list[str]:
    return sorted(
        name
        for name in broker.queues()
        if name.startswith(system.exchange + ".") and name.endswith(".dlq")
    )


def _short(system: System, queue: str) -> str:
    return queue.removeprefix(system.exchange + ".")


async def queue_backlog(system: System, probe: AmqpProbe, queues: list[str]) -> dict[str, int]:
    """Messages ready in each consumer's queue."""
    return {f"queue {_short(system, q)}": (await probe.queue_depth(q))[0] for q in queues}


async def store_backlog(dbs: dict[str, AsyncDatabase]) -> dict[str, int]:
    """Events pending in each outbox, notify's messages not yet sent."""
    figures = {
        f"{service} outbox pending": await dbs[service].outbox.count_documents({"status": PENDING})
        for service in ("intake", "notify", "survey")
    }
    figures["notify messages queued or sending"] = await dbs["notify"].messages.count_documents(
        {"status": {"$in": ["queued", "sending"]}}
    )
    return figures


async def in_hand(system: System, broker: Broker, names: list[str]) -> dict[str, int]:
    """Messages a consumer holds unacknowledged (rabbitmqctl: the passive declare does not count
    them)."""
    queues = await asyncio.to_thread(broker.queues)
    return {
        f"queue {_short(system, q)} unacknowledged": queues.get(q, {}).get(
            "messages_unacknowledged", 0
        )
        for q in names
    }


async def wait_until_quiet(
    system: System,
    broker: Broker,
    dbs: dict[str, AsyncDatabase],
    timeout: float = 3600,
    settle: float = 4.0,
) -> tuple[bool, dict[str, Any], float]:
    """(quiet, last backlog, seconds waited): quiet = all zero for `settle` s, and no consumer
    holding a message at the end."""
    started = time.monotonic()
    zero_since: float | None = None
    last_shown = started
    probe = AmqpProbe(broker.url)
    names = await asyncio.to_thread(consumer_queues, system, broker)
    try:
        while True:
            now = time.monotonic()
            figures: dict[str, Any] = await queue_backlog(system, probe, names)
            showing = now - last_shown >= SHOW_EVERY_SECONDS
            if not any(figures.values()) or showing or now - started > timeout:
                figures |= await store_backlog(dbs)
            if not any(figures.values()):
                zero_since = zero_since or now
                if now - zero_since >= settle:
                    figures |= await in_hand(system, broker, names)
                    if not any(figures.values()):
                        return True, figures, time.monotonic() - started
                    zero_since = None
            else:
                zero_since = None
            if now - started > timeout:
                return False, figures, now - started
            if showing:
                last_shown = now
                print(
                    f"  waiting for quiet, {now - started:.0f} s: "
                    + ", ".join(f"{k} {v}" for k, v in figures.items() if v),
                    flush=True,
                )
            await asyncio.sleep(POLL_SECONDS)
    finally:
        await probe.close()
