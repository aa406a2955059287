"""The real clock; tests pass their own (anything with `now()`)."""

from datetime import datetime

from motcua_shared.vietnam.timeutil import utcnow


class SystemClock:
    def now(self) -> datetime:
        return utcnow()
