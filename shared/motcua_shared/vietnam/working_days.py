"""Working days in Asia/Ho_Chi_Minh, written once for every service: python-holidays' Vietnam
calendar (weekends, public holidays of Labour Code 2019 art. 112, observed days, make-up
Saturdays) plus per-unit overrides on top.

Deadlines of the one-stop mechanism count working days (Decree 118/2025/NĐ-CP;
Circular 03/2025/TT-VPCP): a dossier's due date (intake) and the time a unit has to answer a
citizen's feedback (survey). Pure: no I/O; a unit's overrides are passed in by the caller.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import holidays

from motcua_shared.vietnam.timeutil import VN_TZ, as_utc, to_vn

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

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before `day`."""
        for offset in range(1, _MAX_SCAN_DAYS):
            candidate = day - timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"no working day within {_MAX_SCAN_DAYS} days before {day}")

    def subtract_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day strictly before `day` (count 0 gives `day`)."""
        for _ in range(count):
            day = self.previous_working_day(day)
        return day

    def first_counted_day(self, received_at: datetime, cutoff: time | None) -> date:
        """The working day a time limit counts from: the receipt day if it is a working day
        and the receipt is not after the cut-off (15:00:00 itself is in time), else the next."""
        local = to_vn(received_at)
        today = local.date()
        if self.is_working_day(today) and (cutoff is None or local.time() <= cutoff):
            return today
        return self.next_working_day(today)

    def add_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day strictly after `day` (count 0 gives `day`)."""
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]."""
        return sum(
            1
            for n in range(1, (end - start).days + 1)
            if self.is_working_day(start + timedelta(days=n))
        )


def end_of_day(day: date) -> datetime:
    """Deadlines fall at the end of their working day (local), stored in UTC."""
    return as_utc(datetime.combine(day, END_OF_DAY, tzinfo=VN_TZ))


def local_date(moment: datetime) -> date:
    return to_vn(moment).date()
