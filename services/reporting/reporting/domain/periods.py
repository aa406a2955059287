"""Local days and periods. A report period is a range of local dates (Asia/Ho_Chi_Minh),
both ends included; counters are kept per day and rolled up per month, so a period is read
as its whole months plus the days at either edge."""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from motcua_shared.vietnam.timeutil import to_vn


def local_day(moment: datetime) -> date:
    """The date on the desk's calendar (Asia/Ho_Chi_Minh) of an aware instant."""
    return to_vn(moment).date()


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=monthrange(day.year, day.month)[1])


@dataclass(frozen=True)
class PeriodSlices:
    """How to read a period: inclusive day ranges from the daily counters and an inclusive
    month range ("YYYY-MM", "YYYY-MM") from the monthly ones."""

    day_ranges: tuple[tuple[date, date], ...]
    months: tuple[str, str] | None


def split_period(start: date, end: date) -> PeriodSlices:
    first_full = start if start.day == 1 else month_end(start) + timedelta(days=1)
    last_full = end if end == month_end(end) else month_start(end) - timedelta(days=1)
    if first_full > last_full:
        return PeriodSlices(((start, end),), None)
    ranges = []
    if start < first_full:
        ranges.append((start, first_full - timedelta(days=1)))
    if last_full < end:
        ranges.append((last_full + timedelta(days=1), end))
    return PeriodSlices(tuple(ranges), (month_of(first_full), month_of(last_full)))
