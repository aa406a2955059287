"""Due dates on the Vietnamese calendar (python-holidays) with unit overrides."""

from datetime import UTC, date, datetime, time

import pytest

from motcua_shared.vietnam.timeutil import VN_TZ

from intake.domain.calendar import CalendarOverrides, WorkingCalendar, end_of_day
from intake.domain.catalogue import TimeLimit

SAME_DAY = TimeLimit(working_days=0, cutoff=time(15, 0))


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


CAL = WorkingCalendar()


def test_tet_2026_is_skipped() -> None:
    # Tết 2026: Mon 16 – Fri 20 February off; received Fri 13 Feb, 3 working days → Wed 25 Feb.
    assert CAL.due_date(vn(2026, 2, 13, 9), TimeLimit(working_days=3)) == date(2026, 2, 25)
    for day in range(16, 21):
        assert not CAL.is_working_day(date(2026, 2, day))


def test_hung_kings_day_observed_on_monday() -> None:
    # 10/3 lunar = Sun 26 Apr 2026, observed Mon 27 Apr; 30 Apr and 1 May are holidays too.
    assert not CAL.is_working_day(date(2026, 4, 27))
    assert CAL.due_date(vn(2026, 4, 24, 10), TimeLimit(working_days=1)) == date(2026, 4, 28)
    assert CAL.due_date(vn(2026, 4, 24, 10), TimeLimit(working_days=3)) == date(2026, 5, 4)


def test_make_up_saturday_is_a_working_day() -> None:
    # Saturday 22 Aug 2026 is worked for Monday 31 Aug (before National Day).
    assert CAL.is_working_day(date(2026, 8, 22))
    assert CAL.due_date(vn(2026, 8, 21, 10), TimeLimit(working_days=1)) == date(2026, 8, 22)
    assert CAL.due_date(vn(2026, 8, 21, 10), TimeLimit(working_days=2)) == date(2026, 8, 24)


def test_same_day_cut_off_at_15_00() -> None:
    assert CAL.due_date(vn(2026, 3, 10, 14, 59), SAME_DAY) == date(2026, 3, 10)
    # Decree 23/2015: the next day only if received *after* 15:00; 15:00 itself is still in time.
    assert CAL.due_date(vn(2026, 3, 10, 15, 0), SAME_DAY) == date(2026, 3, 10)
    assert CAL.due_date(vn(2026, 3, 10, 15, 0, 1), SAME_DAY) == date(2026, 3, 11)
    # Received on a Saturday (e.g. online) → the next working day, whatever the hour.
    assert CAL.due_date(vn(2026, 3, 14, 9), SAME_DAY) == date(2026, 3, 16)


def test_receipt_on_a_day_off_counts_from_the_next_working_day() -> None:
    # Online on Saturday 14 Mar 2026: counted from Monday 16, so 1 working day → Tuesday 17,
    # one day later than the same-day procedure received at the same moment (Monday 16).
    assert CAL.due_date(vn(2026, 3, 14, 9), TimeLimit(working_days=1)) == date(2026, 3, 17)
    assert CAL.due_date(vn(2026, 3, 14, 9), SAME_DAY) == date(2026, 3, 16)
    # Received during Tết (Wed 18 Feb 2026): counted from Mon 23 Feb, 3 working days → Thu 26.
    assert CAL.due_date(vn(2026, 2, 18, 9), TimeLimit(working_days=3)) == date(2026, 2, 26)
    # A worked make-up Saturday (22 Aug 2026) is a working day like any other.
    assert CAL.due_date(vn(2026, 8, 22, 9), TimeLimit(working_days=1)) == date(2026, 8, 24)


def test_cut_off_uses_vietnam_time_not_utc() -> None:
    # 07:30 UTC is 14:30 in Hà Nội: before the cut-off.
    received = datetime(2026, 3, 10, 7, 30, tzinfo=UTC)
    assert CAL.due_date(received, SAME_DAY) == date(2026, 3, 10)
    # 17:30 UTC on the 9th is 00:30 on the 10th local.
    assert CAL.due_date(datetime(2026, 3, 9, 17, 30, tzinfo=UTC), SAME_DAY) == date(2026, 3, 10)


def test_unit_override_days_off_and_working_days() -> None:
    overrides = CalendarOverrides(
        extra_days_off=frozenset({date(2026, 3, 11)}),
        extra_working_days=frozenset({date(2026, 3, 14)}),
    )
    calendar = WorkingCalendar(overrides)
    assert calendar.due_date(vn(2026, 3, 10, 9), TimeLimit(working_days=1)) == date(2026, 3, 12)
    assert calendar.due_date(vn(2026, 3, 13, 9), TimeLimit(working_days=1)) == date(2026, 3, 14)


def test_layered_overrides_the_commune_wins() -> None:
    province = CalendarOverrides(extra_days_off=frozenset({date(2026, 3, 11)}))
    commune = CalendarOverrides(extra_working_days=frozenset({date(2026, 3, 11)}))
    merged = CalendarOverrides.layered([province, commune])
    assert WorkingCalendar(merged).is_working_day(date(2026, 3, 11))
    assert (
        WorkingCalendar(CalendarOverrides.layered([province])).is_working_day(date(2026, 3, 11))
        is False
    )


def test_due_at_is_the_end_of_the_local_day_in_utc() -> None:
    due = end_of_day(date(2026, 3, 10))
    assert due.tzinfo is not None and due.utcoffset().total_seconds() == 0
    assert due.astimezone(VN_TZ).replace(tzinfo=None) == datetime(2026, 3, 10, 23, 59, 59, 999000)


def test_working_days_between_counts_the_half_open_interval() -> None:
    # Fri 13 Feb → Tue 24 Feb 2026 across Tết: Mon 23, Tue 24.
    assert CAL.working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 2


def test_same_day_limit_needs_a_cut_off() -> None:
    with pytest.raises(ValueError):
        TimeLimit(working_days=0, cutoff=None)
