"""Gives up a gap that never fills: the events a dossier held longer than the bound
(`NOTIFY_HOLD_MAX_MINUTES`) go to notify's dead-letter queue with the reason, so a person sees
them; nothing is told to the citizen out of order meanwhile (issue 15, domain/event_order.py).

The record gives the gap up first, conditionally on the revision it was read at (of two
replicas' sweepers one wins; a gap filled just now is left alone), moving what it held aside; the
held events are then published to the DLQ (confirmed) and forgotten. A sweeper that dies in between
leaves them aside, and the next round publishes them: a copy in the DLQ at least once, never none.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from notify.app.ports import Clock, EventOrderStore
from notify.domain.event_order import Held, expired, gap_reason

log = logging.getLogger(__name__)

DeadLetter = Callable[[bytes, str, str], Awaitable[None]]  # (raw body, routing key, reason)
RECOVER_AFTER = timedelta(
    minutes=5
)  # a give-up this old whose letters are not out: its sweeper died


class HeldSweeper:
    def __init__(
        self,
        order: EventOrderStore,
        dead_letter: DeadLetter,
        clock: Clock,
        max_age: timedelta,
        batch: int = 100,
    ) -> None:
        self.order, self.dead_letter, self.clock = order, dead_letter, clock
        self.max_age, self.batch = max_age, batch

    async def sweep(self) -> int:
        """Dead-letter what every expired gap held; returns how many events."""
        now = self.clock.now()
        swept = 0
        for code, held, reason in await self.order.unfinished_give_ups(
            now - RECOVER_AFTER, self.batch
        ):
            await self._dead_letter(code, held, reason)
        for order in await self.order.expired(now - self.max_age, self.batch):
            reason = gap_reason(order, now)
            if not expired(order, now - self.max_age) or not await self.order.give_up(
                order, now, reason
            ):
                continue
            await self._dead_letter(order.code, list(order.held), reason)
            swept += len(order.held)
            log.warning("gave up %d held event(s): %s", len(order.held), reason)
        return swept

    async def _dead_letter(self, code: str, held: list[Held], reason: str) -> None:
        for item in held:
            envelope = item.envelope
            await self.dead_letter(
                envelope.model_dump_json().encode(),
                envelope.routing_key,
                f"{envelope.event_type}: {reason}",
            )
        await self.order.gave_up(code)

    async def run(self, interval_seconds: float) -> None:
        while True:
            await asyncio.sleep(interval_seconds)
            try:
                await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception:  # the broker or database away: next round
                log.exception("sweeping held events failed")
