"""Gives up a gap that never fills: the events a dossier held longer than the bound
(`NOTIFY_HOLD_MAX_MINUTES`) go to notify's dead-letter queue with the reason, so a person sees
them; nothing is told to the citizen out of order meanwhile (issue 15, domain/event_order.py).

Each held event is published to the DLQ (confirmed) before the record forgets it: a crash in
between leaves a copy in the DLQ and the event still held, never neither. A record that moved
meanwhile (the gap filled just now) is left alone; its copies in the DLQ are then extra, never
missing.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from notify.app.ports import Clock, EventOrderStore
from notify.domain.event_order import expired, gap_reason

log = logging.getLogger(__name__)

DeadLetter = Callable[[bytes, str, str], Awaitable[None]]  # (raw body, routing key, reason)


class HeldSweeper:
    def __init__(self, order: EventOrderStore, dead_letter: DeadLetter, clock: Clock, max_age: timedelta,
                 batch: int = 100) -> None:
        self.order, self.dead_letter, self.clock = order, dead_letter, clock
        self.max_age, self.batch = max_age, batch

    async def sweep(self) -> int:
        """Dead-letter what every expired gap held; returns how many events."""
        now = self.clock.now()
        swept = 0
        for order in await self.order.expired(now - self.max_age, self.batch):
            if not expired(order, now - self.max_age):
                continue
            reason = gap_reason(order, now)
            for held in order.held:
                envelope = held.envelope
                await self.dead_letter(envelope.model_dump_json().encode(), envelope.routing_key,
                                       f"{envelope.event_type}: {reason}")
            if await self.order.give_up(order):
                swept += len(order.held)
                log.warning("gave up %d held event(s): %s", len(order.held), reason)
        return swept

    async def run(self, interval_seconds: float) -> None:
        while True:
            await asyncio.sleep(interval_seconds)
            try:
                await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception:  # the broker or database away: next round
                log.exception("sweeping held events failed")
