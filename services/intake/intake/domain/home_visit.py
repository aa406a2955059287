"""The home-visit date (seed 004, Bình Thạnh): the Thursday of the month's third week, the
Friday of that week when urgent; next month's if that day has passed; moved to the next
working day when it is a day off. The rule is per unit (`VisitRule`)."""

from datetime import date, timedelta

from intake.domain.calendar import WorkingCalendar
from intake.domain.catalogue import VisitRule


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th `weekday` (Mon=0) of the month: always between day 7(n-1)+1 and 7n."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def visit_date(rule: VisitRule, today: date, urgent: bool, calendar: WorkingCalendar) -> date:
    year, month = today.year, today.month
    while True:
        day = nth_weekday(year, month, rule.weekday, rule.week_of_month)
        if urgent:
            day += timedelta(days=(rule.urgent_weekday - rule.weekday) % 7)
        if day > today:
            return calendar.working_day_on_or_after(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
