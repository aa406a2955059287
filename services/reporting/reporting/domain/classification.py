"""Early, on time or late: the local date of the resolution against the local date it was due."""

from datetime import datetime
from enum import StrEnum

from reporting.domain.periods import local_day


class Timeliness(StrEnum):
    EARLY = "early"  # trước hạn
    ON_TIME = "on_time"  # đúng hạn
    LATE = "late"  # quá hạn


def classify(resolved_at: datetime, due_at: datetime) -> Timeliness:
    """Compare calendar days in Asia/Ho_Chi_Minh: a result at 23:30 on the due day is on time,
    one at 00:30 the next day is late, whatever the UTC dates say."""
    resolved_day, due_day = local_day(resolved_at), local_day(due_at)
    if resolved_day < due_day:
        return Timeliness.EARLY
    if resolved_day == due_day:
        return Timeliness.ON_TIME
    return Timeliness.LATE
