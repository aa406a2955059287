"""The one test clock: a `motcua_shared.vietnam.timeutil.Clock` a test sets and moves, instead of
waiting for time to pass (an expiry, a claim's lease, quiet hours, a month's edge)."""

from datetime import UTC, datetime, timedelta

# 10:00 on 25 November 2026 in Hà Nội: a working day, outside notify's quiet hours.
DEFAULT_NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


class SettableClock:
    """Called, it gives `now`; a test assigns `now`, calls `set` or `advance`."""

    def __init__(self, now: datetime = DEFAULT_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: datetime) -> None:
        self.now = now

    def advance(self, delta: timedelta = timedelta(0), /, **parts: float) -> None:
        """Move forward by `delta` and/or timedelta keywords: `advance(seconds=31)`."""
        self.now += delta + timedelta(**parts)
