"""Stopping a service's background tasks for good: each is cancelled, and cancelled again every
second until it is done.

Why: a cancel() can be lost on its way. Python 3.11's `asyncio.wait_for` returned a result that
arrived in the same step instead of raising, and aio-pika's connect() swallows a cancel that
lands while it connects. A task that lost its cancel runs on, and a stop() that awaits it once
waits forever with the event loop idle: what CI showed when it hung on 2 and 3 December 2026,
in the shutdown of two reporting instances (the likely cause; the hang was not reproduced). One
mechanism for every service's loops (consumers, relays, sweepers, gauges, the deadline scheduler).
"""

import asyncio
import logging
from typing import Any

log = logging.getLogger(__name__)

CANCEL_AGAIN_SECONDS = 1.0


async def stop_tasks(*tasks: asyncio.Task[Any] | None) -> None:
    """Cancel the tasks (None: never started) and wait until every one is done. A task that
    ended with an error is logged, not raised: the rest of the shutdown goes on."""
    running = {task for task in tasks if task is not None}
    while pending := {task for task in running if not task.done()}:
        for task in pending:
            task.cancel()
        await asyncio.wait(pending, timeout=CANCEL_AGAIN_SECONDS)
    for task in running:
        if not task.cancelled() and task.exception() is not None:
            log.warning("task %s ended with an error", task.get_name(), exc_info=task.exception())
