"""Runs the deadline scheduler (app/deadlines.py) in the service: first plans the open dossiers
stored before deadlines existed (once after an upgrade), then a tick every
`INTAKE_DEADLINE_POLL_INTERVAL` seconds, at once again while ticks come back full. A failing
tick is logged and retried on the next one (the alarms stay due in the database)."""

import asyncio
import logging

from motcua_shared.ops.background_tasks import stop_tasks

from intake.app.context import IntakeApp
from intake.app.deadlines import fire_due_deadlines, plan_unplanned

log = logging.getLogger(__name__)


class DeadlineLoop:
    def __init__(self, app: IntakeApp, interval: float, batch: int = 100) -> None:
        self.app, self.interval, self.batch = app, interval, batch
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="intake-deadlines")

    async def stop(self) -> None:
        await stop_tasks(self._task)

    async def _run(self) -> None:
        try:
            while await plan_unplanned(self.app, self.batch) >= self.batch:
                pass
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 — the ticks go on; the next start plans the rest
            log.exception("planning the deadlines of dossiers stored before them failed")
        while True:
            try:
                full = await fire_due_deadlines(self.app, self.batch) >= self.batch
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 — the next tick retries; nothing is lost
                log.exception("deadline tick failed")
                full = False
            if not full:
                await asyncio.sleep(self.interval)
