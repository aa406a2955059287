"""Times: aware only, stored in UTC, working days computed in Asia/Ho_Chi_Minh."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(value: datetime) -> datetime:
    """MongoDB hands back naive UTC datetimes; make them aware again."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def to_vn(value: datetime) -> datetime:
    return as_utc(value).astimezone(VN_TZ)
