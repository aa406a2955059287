"""Deadlines that warn before they bite. The letter of apology and request to extend must come
at least one working day before the due date (Decree 118/2025/NĐ-CP; form 04 of Appendix I,
Circular 03/2025/TT-VPCP), so the desk is told in time; the control slip (form 06) records each
hand-over step on time or late, so a step past its own deadline is told too.

Three alarms per dossier, each at most once (its key is stored on the dossier once fired):
- due soon: the start (00:00 local) of the working day `due_soon_working_days` (setting, default
  2) before the due day in force; skipped when that is before the receipt (a time limit no
  longer than the warning) and, when missed (system down), once the due date has passed;
- overdue: the start of the first working day after the due day in force;
- step overdue: the end of the step's own due day (N working days after the hand-over, as the
  procedure sets per step); key = the step's history version, so every step fires once.
Only while the clock runs (received, in progress): a supplement or a resolution stops them.
The dossier keeps the earliest pending alarm in `next_deadline_at` (indexed), so finding what
is due costs the same whatever the number of open dossiers.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from motcua_shared.vietnam.timeutil import VN_TZ, as_utc

from intake.domain.calendar import WorkingCalendar, end_of_day, local_date

RECEIPT_STEP = "tiep-nhan"  # the desk's own step, from receipt to the first hand-over


class DeadlineKind(StrEnum):
    DUE_SOON = "due-soon"
    OVERDUE = "overdue"
    STEP_OVERDUE = "step-overdue"


@dataclass(frozen=True)
class DeadlineRule:
    due_soon_working_days: int = 2  # INTAKE_DUE_SOON_WORKING_DAYS


@dataclass(frozen=True)
class Alarm:
    kind: DeadlineKind
    at: datetime
    key: str


def start_of_day(day: date) -> datetime:
    return as_utc(datetime.combine(day, time(0), tzinfo=VN_TZ))


def step_due_at(calendar: WorkingCalendar, started_at: datetime, working_days: int) -> datetime:
    """A step of N working days handed over on day D is due at the end of the N-th working day
    after D (0: the same day)."""
    return end_of_day(calendar.add_working_days(local_date(started_at), working_days))


def alarms(
    *,
    due_at: datetime | None,
    received_at: datetime | None,
    step_due: datetime | None,
    step_key: str | None,
    fired: set[str],
    calendar: WorkingCalendar,
    rule: DeadlineRule,
) -> list[Alarm]:
    """The alarms still to fire for a dossier whose clock runs, earliest first."""
    pending: list[Alarm] = []
    if due_at is not None:
        due_day = local_date(due_at)
        warn_at = start_of_day(calendar.subtract_working_days(due_day, rule.due_soon_working_days))
        if DeadlineKind.DUE_SOON not in fired and received_at is not None and warn_at > received_at:
            pending.append(Alarm(DeadlineKind.DUE_SOON, warn_at, DeadlineKind.DUE_SOON.value))
        if DeadlineKind.OVERDUE not in fired:
            pending.append(
                Alarm(
                    DeadlineKind.OVERDUE,
                    start_of_day(calendar.next_working_day(due_day)),
                    DeadlineKind.OVERDUE.value,
                )
            )
    if step_due is not None and step_key is not None and step_key not in fired:
        pending.append(
            Alarm(DeadlineKind.STEP_OVERDUE, step_due + timedelta(milliseconds=1), step_key)
        )
    return sorted(pending, key=lambda a: a.at)
