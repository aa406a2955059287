"""When a test times out, also print every asyncio task and the chain of awaits it is stopped in.

Why: pytest-timeout prints each thread's stack, and for a hung async test that shows only the
event loop idle in `select` (CI, 3 December: test_partitioned_replicas). The await that never
finished is in a task, not on a thread's stack; this names it. Test plumbing only.
"""

import asyncio
import signal
import sys
from collections.abc import Iterator
from types import FrameType
from typing import Any, TextIO

import pytest


def awaited_frames(awaitable: Any) -> Iterator[FrameType]:
    """The frames of a coroutine and of what it awaits, outermost first."""
    while awaitable is not None:
        frame = getattr(awaitable, "cr_frame", None) or getattr(awaitable, "gi_frame", None)
        if frame is not None:
            yield frame
        awaitable = getattr(awaitable, "cr_await", None) or getattr(awaitable, "gi_yieldfrom", None)


def print_tasks(out: TextIO) -> None:
    """Every task of the loop running in this thread (none if no loop runs), with its awaits."""
    try:
        tasks = asyncio.all_tasks()
    except RuntimeError:  # no running loop: a sync test
        return
    print(f"\n+++ {len(tasks)} asyncio tasks at the timeout +++", file=out)
    for task in sorted(tasks, key=lambda t: t.get_name()):
        print(f"task {task.get_name()}: {task!r}", file=out)
        for frame in awaited_frames(task.get_coro()):
            code = frame.f_code
            print(f"    {code.co_filename}:{frame.f_lineno} in {code.co_name}", file=out)
    out.flush()


@pytest.hookimpl(wrapper=True, optionalhook=True)
def pytest_timeout_set_timer(item: pytest.Item, settings: Any) -> Any:
    """Wrap pytest-timeout's SIGALRM handler (its default method here) so the tasks print first."""
    result = yield
    handler = signal.getsignal(signal.SIGALRM)
    if callable(handler):

        def print_tasks_then_time_out(signum: int, frame: FrameType | None) -> None:
            print_tasks(sys.stderr)
            handler(signum, frame)

        signal.signal(signal.SIGALRM, print_tasks_then_time_out)
    return result
