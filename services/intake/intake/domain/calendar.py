"""Working days in Asia/Ho_Chi_Minh: python-holidays' Vietnam calendar (weekends, public
holidays, observed days, make-up Saturdays) plus per-unit overrides on top."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import holidays

from motcua_shared.timeutil import VN_TZ, as_utc, to_vn

from intake.domain.catalogue import TimeLimit

_VIETNAM = holidays.country_holidays("VN")  # fills years on demand
_MAX_SCAN_DAYS = 800  # a calendar with no working day for two years is a data error
# BSON dates hold milliseconds, so the end of a day is 23:59:59.999 (what MongoDB keeps).
END_OF_DAY = time(23, 59, 59, 999_000)


@dataclass(frozen=True)
class CalendarOverrides:
    """A unit's own days off and extra working days, on top of the national calendar."""

    extra_days_off: frozenset[date] = field(default_factory=frozenset)
    extra_working_days: frozenset[date] = field(default_factory=frozenset)

    @staticmethod
    def layered(layers: Iterable["CalendarOverrides"]) -> "CalendarOverrides":
        """Province first, commune last: a more local layer wins where two disagree."""
        off: set[date] = set()
        working: set[date] = set()
        for layer in layers:
            off = (off - layer.extra_working_days) | layer.extra_days_off
            working = (working - layer.extra_days_off) | layer.extra_working_days
        return CalendarOverrides(frozenset(off), frozenset(working))


class WorkingCalendar:
    def __init__(self, overrides: CalendarOverrides | None = None) -> None:
        self.overrides = overrides or CalendarOverrides()

    def is_working_day(self, day: date) -> bool:
        if day in self.overrides.extra_working_days:
            return True
        if day in self.overrides.extra_days_off:
            return False
        return _VIETNAM.is_working_day(day)

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        for offset in range(1, _MAX_SCAN_DAYS):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"no working day within {_MAX_SCAN_DAYS} days after {day}")

    def working_day_on_or_after(self, day: date) -> date:
        return day if self.is_working_day(day) else self.next_working_day(day)

    def add_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day strictly after `day` (count 0 gives `day`)."""
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]."""
        return sum(1 for n in range(1, (end - start).days + 1) if self.is_working_day(start + timedelta(days=n)))

    def due_date(self, received_at: datetime, limit: TimeLimit) -> date:
        """The day the result is due for a dossier received at `received_at`. A receipt on a
        day off (online, postal) counts from the next working day, so an N-day procedure is
        never due before a same-day one received at the same moment."""
        local = to_vn(received_at)
        today = local.date()
        if limit.same_day:
            assert limit.cutoff is not None
            # Decree 23/2015: next working day only if received *after* the cut-off.
            if self.is_working_day(today) and local.time() <= limit.cutoff:
                return today
            return self.next_working_day(today)
        return self.add_working_days(self.working_day_on_or_after(today), limit.working_days)

    def due_at(self, received_at: datetime, limit: TimeLimit) -> datetime:
        return end_of_day(self.due_date(received_at, limit))


def end_of_day(day: date) -> datetime:
    """Results are due at the end of the due working day (local), stored in UTC."""
    return as_utc(datetime.combine(day, END_OF_DAY, tzinfo=VN_TZ))


def local_date(moment: datetime) -> date:
    return to_vn(moment).date()
