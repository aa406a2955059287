"""Dead-letters events parked too long: their predecessor is not coming (an unknown dossier
whose version 1 never arrived, or a gap intake's gap-free versions should not have)."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from motcua_shared.vietnam.timeutil import Clock

from reporting.app.ports import ParkedEvent, ProjectionStore
from reporting.app.projector import Projector

log = logging.getLogger(__name__)

DeadLetter = Callable[[bytes, str, str], Awaitable[None]]  # (raw body, routing key, reason)


def reason_for(event: ParkedEvent, stored_version: int, now: datetime) -> str:
    waited = int((now - event.parked_at).total_seconds() // 60)
    if stored_version == 0:
        return (
            f"unknown dossier {event.aggregate_id}: version {event.aggregate_version} waited "
            f"{waited} min for version 1, which never arrived"
        )
    return (
        f"dossier {event.aggregate_id}: version {event.aggregate_version} waited {waited} min for "
        f"version {stored_version + 1}, which never arrived (have {stored_version})"
    )


class ParkedSweeper:
    def __init__(
        self,
        store: ProjectionStore,
        projector: Projector,
        dead_letter: DeadLetter,
        clock: Clock,
        max_age: timedelta,
    ) -> None:
        self.store, self.projector, self.dead_letter = store, projector, dead_letter
        self.clock, self.max_age = clock, max_age

    async def sweep(self) -> int:
        """Dead-letter every event parked longer than max_age; returns how many."""
        swept = 0
        async with self.projector.lock:  # not while an event could be draining it
            now = self.clock()
            for event in await self.store.parked_since_before(now - self.max_age):
                reason = reason_for(event, await self.store.stored_version(event.aggregate_id), now)
                # Publish (confirmed) first, then forget it: a crash in between leaves a copy
                # in the DLQ and the event still parked, never neither.
                await self.dead_letter(event.body.encode(), event.routing_key, reason)
                await self.store.remove_parked(event)
                log.warning("dead-lettered parked event: %s", reason)
                swept += 1
        return swept

    async def run(self, interval_seconds: float) -> None:
        while True:
            await asyncio.sleep(interval_seconds)
            try:
                await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception:  # the broker or database away: try again next round
                log.exception("sweeping parked events failed")
