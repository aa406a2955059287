"""The shared working-day calendar (intake's due dates and survey's feedback deadlines use it)."""

from datetime import UTC, date, datetime

from motcua_shared.vietnam.working_days import (
    CalendarOverrides,
    WorkingCalendar,
    end_of_day,
    local_date,
)


def test_tet_2026_and_the_weekend_are_skipped() -> None:
    # Fri 13/02/2026 + 1 working day: Sat–Sun, then Tết Mon 16 – Fri 20 → Mon 23/02.
    assert WorkingCalendar().add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)


def test_ten_working_days_across_national_day_2026() -> None:
    # Mon 24/08/2026: 31/08 (substituted), 01/09 and 02/09 are off → 10th working day is Thu 10/09.
    assert WorkingCalendar().add_working_days(date(2026, 8, 24), 10) == date(2026, 9, 10)


def test_a_unit_override_moves_the_deadline() -> None:
    calendar = WorkingCalendar(CalendarOverrides(extra_days_off=frozenset({date(2026, 3, 2)})))
    assert calendar.add_working_days(date(2026, 2, 27), 1) == date(2026, 3, 3)


def test_end_of_day_is_local_and_local_date_of_a_utc_evening_is_the_next_day() -> None:
    assert end_of_day(date(2026, 3, 2)) == datetime(2026, 3, 2, 16, 59, 59, 999_000, tzinfo=UTC)
    assert local_date(datetime(2026, 3, 1, 18, 0, tzinfo=UTC)) == date(2026, 3, 2)
