"""Waiting for a state, never for the clock: poll until a check holds (for tests driving real
processes from synchronous code: e2e journeys, browser tests)."""

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
TIMEOUT = 45.0  # generous: two cores shared with other work; a healthy step takes a second or two


def eventually(check: Callable[[], T], timeout: float = TIMEOUT, what: str = "condition") -> T:
    """Poll `check` until it returns something truthy; fail with its last answer."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout}s; last: {result!r}")
        time.sleep(0.2)
