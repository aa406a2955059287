"""stop_tasks stops a task that lost its first cancel (the CI hang of 2–3 December), and a task
that ended with an error is logged, not raised, so the rest of a shutdown goes on."""

import asyncio
import logging

import pytest

from motcua_shared.ops.background_tasks import stop_tasks


async def loses_its_first_cancel(stopped: asyncio.Event) -> None:
    """Like a loop whose cancel was swallowed on its way (3.11's wait_for, aio-pika's connect)."""
    try:
        await asyncio.Event().wait()
    except asyncio.CancelledError:
        pass  # swallowed: the loop runs on
    try:
        await asyncio.Event().wait()
    finally:
        stopped.set()


async def test_a_task_that_lost_its_first_cancel_is_cancelled_again_until_done() -> None:
    stopped = asyncio.Event()
    task = asyncio.create_task(loses_its_first_cancel(stopped))
    await asyncio.sleep(0)

    async with asyncio.timeout(10):  # 1 s between cancels: well within
        await stop_tasks(task, None)

    assert task.done() and stopped.is_set()


async def test_a_task_that_had_failed_is_logged_and_the_others_still_stop(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def fails() -> None:
        raise RuntimeError("broker away")

    failed = asyncio.create_task(fails(), name="gauges")
    running = asyncio.create_task(asyncio.Event().wait(), name="sweeper")
    await asyncio.sleep(0)

    with caplog.at_level(logging.WARNING):
        await stop_tasks(failed, running)

    assert running.cancelled()
    assert [r.getMessage() for r in caplog.records] == ["task gauges ended with an error"]
