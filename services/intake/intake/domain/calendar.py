"""Due dates of dossiers in Asia/Ho_Chi_Minh, on the shared working-day calendar
(`motcua_shared.working_days`: python-holidays' Vietnam calendar plus per-unit overrides)."""

from datetime import date, datetime

from motcua_shared.timeutil import to_vn
from motcua_shared.working_days import END_OF_DAY, CalendarOverrides, end_of_day, local_date
from motcua_shared.working_days import WorkingCalendar as _WorkingDays

from intake.domain.catalogue import TimeLimit

__all__ = ["END_OF_DAY", "CalendarOverrides", "WorkingCalendar", "end_of_day", "local_date"]


class WorkingCalendar(_WorkingDays):
    """The shared working-day arithmetic plus the due date of a procedure's time limit."""

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
