from datetime import date

from intake.domain.calendar import CalendarOverrides, WorkingCalendar
from intake.domain.catalogue import VisitRule
from intake.domain.home_visit import nth_weekday, visit_date

RULE = VisitRule()
CAL = WorkingCalendar()


def test_third_thursday_is_between_the_15th_and_21st() -> None:
    for month in range(1, 13):
        day = nth_weekday(2026, month, 3, 3)
        assert day.weekday() == 3 and 15 <= day.day <= 21


def test_regular_visit_on_this_months_third_thursday() -> None:
    assert visit_date(RULE, date(2026, 3, 2), urgent=False, calendar=CAL) == date(2026, 3, 19)


def test_urgent_visit_on_the_friday_after() -> None:
    assert visit_date(RULE, date(2026, 3, 2), urgent=True, calendar=CAL) == date(2026, 3, 20)


def test_passed_or_today_goes_to_next_month() -> None:
    assert visit_date(RULE, date(2026, 3, 19), urgent=False, calendar=CAL) == date(2026, 4, 16)
    assert visit_date(RULE, date(2026, 3, 25), urgent=False, calendar=CAL) == date(2026, 4, 16)
    assert visit_date(RULE, date(2026, 12, 30), urgent=False, calendar=CAL) == date(2027, 1, 21)


def test_a_day_off_moves_to_the_next_working_day() -> None:
    calendar = WorkingCalendar(CalendarOverrides(extra_days_off=frozenset({date(2026, 3, 19)})))
    assert visit_date(RULE, date(2026, 3, 2), urgent=False, calendar=calendar) == date(2026, 3, 20)


def test_rule_is_per_unit() -> None:
    second_wednesday = VisitRule(weekday=2, week_of_month=2, urgent_weekday=3)
    assert visit_date(second_wednesday, date(2026, 3, 2), urgent=False, calendar=CAL) == date(
        2026, 3, 11
    )
    assert visit_date(second_wednesday, date(2026, 3, 2), urgent=True, calendar=CAL) == date(
        2026, 3, 12
    )
