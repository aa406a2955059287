"""The faults, each timed by the load's progress so it lands mid-flow:

1. SIGKILL a consumer (notify, then reporting, then survey) while it holds messages or its queue
   does (it is frozen with SIGSTOP until so: a batch consumer keeps up), restart it a few
   seconds later;
2. stop the private broker's app (`rabbitmqctl stop_app`) for a while, start it again, and see
   every consumer come back by itself;
3. SIGKILL intake between writing and publishing: a rush of receipts, then the kill as soon as
   its outbox holds pending events (counted again after the kill: what the dead relay left);
   restart it and wait for exactly those events to be published.

Each fault records what it hit; one that hit nothing (an empty queue, an empty outbox) does not
count, and the run fails. The desks are held at each fault's mark until the fault before it is
done, so every fault lands while dossiers are still coming in, whatever the run's size.
"""

import asyncio
import signal
import time
from dataclasses import dataclass, field
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from motcua_shared.messaging.amqp_probe import AmqpProbe
from motcua_shared.messaging.outbox import PENDING, SENT
from motcua_shared.testing.private_broker import PrivateBroker
from motcua_shared.testing.system import CONSUMERS, System

from faultrun.driver import Driver


@dataclass
class FaultReport:
    name: str
    counts: bool  # it hit work in flight
    figures: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None  # something that must not happen (a service did not come back)

    def line(self) -> str:
        figures = ", ".join(f"{k} {v}" for k, v in self.figures.items())
        verdict = "hit mid-flow" if self.counts else "DID NOT HIT work in flight"
        return f"{self.name}: {verdict}; {figures}" + (
            f"; PROBLEM: {self.problem}" if self.problem else ""
        )


@dataclass
class FaultSchedule:
    system: System
    broker: PrivateBroker
    driver: Driver
    intake_outbox: AsyncCollection
    consumer_down_seconds: float = 3.0
    broker_down_seconds: float = 10.0
    intake_down_seconds: float = 3.0
    reports: list[FaultReport] = field(default_factory=list)

    async def run(self) -> None:
        faults = (
            (0.10, lambda: self.kill_consumer("notify")),
            (0.25, lambda: self.kill_consumer("reporting")),
            (0.40, lambda: self.kill_consumer("survey")),
            (0.55, self.broker_outage),
            (0.75, self.intake_between_write_and_publish),
        )
        total = len(self.driver.plans)
        self.probe = AmqpProbe(self.broker.url)
        try:
            for number, (share, fault) in enumerate(faults):
                self.driver.allow(round(share * total))
                await self._when_received(round(share * total))
                next_mark = faults[number + 1][0] if number + 1 < len(faults) else 1.0
                self.driver.allow(round(next_mark * total))
                report = await fault()
                self.reports.append(report)
                print("fault:", report.line(), flush=True)
        finally:
            self.driver.allow(total)
            await self.probe.close()

    async def _when_received(self, count: int) -> None:
        while self.driver.receipts_done < count:
            await asyncio.sleep(0.05)

    def _queue(self, service: str) -> str:
        return f"{self.system.exchange}.{service}"

    async def _ready(self, service: str) -> tuple[int, int]:
        """(messages waiting, consumers) of the service's queue."""
        return await self.probe.queue_depth(self._queue(service))

    async def _in_flight(self, service: str) -> int:
        """Messages ready in its queue, else those its consumer holds unacknowledged (a batch
        consumer keeps up by holding its prefetch: the passive declare does not count those)."""
        if ready := (await self._ready(service))[0]:
            return ready
        queues = await asyncio.to_thread(self.broker.queues)
        return int(queues[self._queue(service)]["messages_unacknowledged"])

    async def kill_consumer(self, service: str) -> FaultReport:
        # A batch consumer keeps up, so it rarely holds anything when looked at: freeze it
        # (SIGSTOP, at whatever point it is, maybe mid-transaction) until events are in its hands
        # or waiting behind it, then SIGKILL it.
        self.system.processes[service].send_signal(signal.SIGSTOP)
        depth = 0
        deadline = time.monotonic() + 60
        while (depth := await self._in_flight(service)) == 0 and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        await asyncio.to_thread(self.system.kill, service)
        killed_at = self.driver.received
        await asyncio.sleep(self.consumer_down_seconds)
        started = time.monotonic()
        await asyncio.to_thread(self.system.restart, service)
        return FaultReport(
            f"SIGKILL {service}",
            counts=depth > 0,
            figures={
                "messages in flight at kill": depth,
                "dossiers received by then": killed_at,
                "down s": self.consumer_down_seconds,
                "restart s": round(time.monotonic() - started, 1),
            },
        )

    async def broker_outage(self) -> FaultReport:
        depths = {service: await self._in_flight(service) for service in CONSUMERS}
        pending = await self.intake_outbox.count_documents({"status": PENDING})
        await self.probe.close()
        await asyncio.to_thread(self.broker.stop_app)
        await asyncio.sleep(self.broker_down_seconds)
        await asyncio.to_thread(self.broker.start_app)
        back = time.monotonic()
        missing = set(CONSUMERS)
        while missing and time.monotonic() - back < 120:
            missing = {s for s in missing if (await self._ready(s))[1] == 0}
            await asyncio.sleep(0.5)
        consumers_back = time.monotonic() - back
        # The relays back off while the broker is away; the next fault starts once intake's has
        # published what the outage left (the events pending when the broker came back), so it
        # measures its own kill rather than this outage's leftovers. Those events, not the
        # pending count: the desks go on receiving, and under load the count never reaches 0.
        outage_ids = [
            doc["_id"] async for doc in self.intake_outbox.find({"status": PENDING}, {"_id": 1})
        ]
        unsent = {"_id": {"$in": outage_ids}, "status": {"$ne": SENT}}
        while (
            left := await self.intake_outbox.count_documents(unsent)
        ) and time.monotonic() - back < 120:
            await asyncio.sleep(0.5)
        figures = {
            "messages in flight at stop": depths,
            "intake outbox pending at stop": pending,
            "down s": self.broker_down_seconds,
            "consumers back after s": round(consumers_back, 1),
            "intake outbox pending when it came back": len(outage_ids),
            "all of them published after s": round(time.monotonic() - back, 1),
        }
        problem = (
            f"did not reconnect within 120 s: {sorted(missing)}"
            if missing
            else f"{left} of intake's events pending when the broker came back still not "
            "published 120 s later"
            if left
            else None
        )
        return FaultReport(
            "rabbitmqctl stop_app / start_app",
            counts=any(depths.values()) or pending > 0,
            figures=figures,
            problem=problem,
        )

    async def intake_between_write_and_publish(self) -> FaultReport:
        rush = self.driver.burst(40)
        deadline = time.monotonic() + 60
        seen = 0
        while time.monotonic() < deadline:
            if (seen := await self.intake_outbox.count_documents({"status": PENDING})) > 0:
                break
            await asyncio.sleep(0.005)
        await asyncio.to_thread(self.system.kill, "intake")
        # What the dead relay left behind: written with their dossiers, not (known to be) published.
        left = [
            doc["_id"] async for doc in self.intake_outbox.find({"status": PENDING}, {"_id": 1})
        ]
        await asyncio.sleep(self.intake_down_seconds)
        restarted = time.monotonic()
        await asyncio.to_thread(self.system.restart, "intake")
        while await self.intake_outbox.count_documents(
            {"_id": {"$in": left}, "status": {"$ne": SENT}}
        ):
            if time.monotonic() - restarted > 120:
                break
            await asyncio.sleep(0.1)
        unsent = await self.intake_outbox.count_documents(
            {"_id": {"$in": left}, "status": {"$ne": SENT}}
        )
        figures = {
            "rush of receipts": rush,
            "outbox pending read before the kill": seen,
            "pending after the kill": len(left),
            "restarted and all of them published within s": round(time.monotonic() - restarted, 1),
        }
        problem = (
            f"{unsent} of them still not published 120 s after the restart" if unsent else None
        )
        return FaultReport(
            "SIGKILL intake between write and publish",
            counts=seen > 0 and len(left) > 0,
            figures=figures,
            problem=problem,
        )
