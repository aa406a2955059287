"""Times: aware only, stored in UTC, working days computed in Asia/Ho_Chi_Minh.

`Clock` is the one clock type of every service: a function giving the aware UTC now
(`utcnow` in production, `motcua_shared.testing.clock.SettableClock` in tests)."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# The days motcua reasons about. Inside them a day either side and the shift between local time
# and UTC are still dates (year 1 or 9999 overflow into a 500); the edge refuses others (422).
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2099, 12, 31)

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """MongoDB hands back naive UTC datetimes; make them aware again."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def to_vn(value: datetime) -> datetime:
    return as_utc(value).astimezone(VN_TZ)
