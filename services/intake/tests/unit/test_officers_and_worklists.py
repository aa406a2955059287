"""Pure rules: the lock-out policy, working days left, the due-soon window."""

from datetime import UTC, date, datetime, timedelta, timezone

from intake.domain.calendar import WorkingCalendar
from intake.domain.officers import LockoutPolicy
from intake.domain.worklists import WorkList, list_filter, working_days_left

NOW = datetime(2026, 4, 28, 3, 0, tzinfo=UTC)  # Tuesday 28/04/2026 10:00 in Vietnam


def test_lock_only_from_the_nth_failure():
    policy = LockoutPolicy(max_failures=3, lock_minutes=10)
    assert policy.after_failure(2, NOW) is None
    assert policy.after_failure(3, NOW) == NOW + timedelta(minutes=10)


def test_days_left_counts_working_days_across_the_30_april_holidays():
    calendar = WorkingCalendar()
    today = date(2026, 4, 28)
    # 29/04 working, 30/04 and 01/05 holidays, 02–03/05 weekend, 04/05 working
    assert working_days_left(date(2026, 5, 4), today, calendar) == 2
    assert working_days_left(today, today, calendar) == 0
    assert working_days_left(date(2026, 4, 27), today, calendar) == -1


def test_due_soon_ends_with_the_second_working_day():
    spec = list_filter(
        WorkList.DUE_SOON, "26734", "cv01", NOW, date(2026, 4, 28), WorkingCalendar()
    )
    assert spec.due_from == NOW
    assert spec.due_before is not None and spec.due_before.astimezone(
        timezone(timedelta(hours=7))
    ).date() == date(2026, 5, 4)
