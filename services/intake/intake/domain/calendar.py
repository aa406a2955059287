"""Due dates of dossiers in Asia/Ho_Chi_Minh, on the shared working-day calendar
(`motcua_shared.vietnam.working_days`: python-holidays' Vietnam calendar, Labour Code 2019 art. 112,
plus per-unit overrides), counted from the first working day of the receipt.

Cut-off: a dossier received strictly after the procedure's cut-off time (15:00 by default,
per procedure) counts from the next working day. The "sau 15 giờ" wording comes from
procedure rules (Decree 23/2015/NĐ-CP art. 33 for certification; forwarding of paper dossiers
under Decree 118/2025/NĐ-CP) — medium confidence for procedures other than certification, hence
a per-procedure setting in the catalogue (`time_limit.cutoff`, null = no cut-off)."""

from datetime import date, datetime

from motcua_shared.vietnam.working_days import END_OF_DAY, CalendarOverrides, end_of_day, local_date
from motcua_shared.vietnam.working_days import WorkingCalendar as _WorkingDays

from intake.domain.catalogue import TimeLimit

__all__ = ["END_OF_DAY", "CalendarOverrides", "WorkingCalendar", "end_of_day", "local_date"]


class WorkingCalendar(_WorkingDays):
    """The shared working-day arithmetic plus the due date of a procedure's time limit."""

    def due_date(self, received_at: datetime, limit: TimeLimit) -> date:
        """The day the result is due for a dossier received at `received_at`: the N-th working
        day after the first counted day (same day: that day). A receipt on a day off (online,
        postal) or after the cut-off counts from the next working day, so an N-day procedure is
        never due before a same-day one received at the same moment."""
        start = self.first_counted_day(received_at, limit.cutoff)
        return self.add_working_days(start, limit.working_days)

    def due_at(self, received_at: datetime, limit: TimeLimit) -> datetime:
        return end_of_day(self.due_date(received_at, limit))
