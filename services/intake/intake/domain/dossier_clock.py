"""The dossier's clocks: the legal due date, started at receipt (Giấy tiếp nhận hồ sơ và hẹn trả
kết quả, form 01 of Circular 03/2025/TT-VPCP) from the procedure's time limit in working days
(Decree 118/2025/NĐ-CP), and each linked task's own; moved after a supplement by the unit's
`ClockPolicy` (restart from the day the papers arrive, or extend by the working days waited);
and the current hand-over step's own due time (the control slip, form 06; deadlines.py).
"""

from datetime import datetime
from typing import TYPE_CHECKING

from intake.domain.calendar import WorkingCalendar, end_of_day, local_date
from intake.domain.deadlines import step_due_at
from intake.domain.dossier_parts import ClockPolicy

if TYPE_CHECKING:
    from intake.domain.dossier import Dossier


def start_clock(dossier: "Dossier", at: datetime, calendar: WorkingCalendar) -> None:
    dossier.received_at = at
    dossier.due_at = calendar.due_at(at, dossier.time_limit)
    for task in dossier.tasks:
        task.due_at = calendar.due_at(at, task.time_limit)


def move_clock_after_supplement(
    dossier: "Dossier", at: datetime, calendar: WorkingCalendar, policy: ClockPolicy
) -> None:
    if policy is ClockPolicy.RESTART:
        dossier.due_at = calendar.due_at(at, dossier.time_limit)
        for task in dossier.tasks:
            if task.status == "pending":
                task.due_at = calendar.due_at(at, task.time_limit)
        return
    assert dossier.supplement_requested_at is not None and dossier.due_at is not None
    waited = calendar.working_days_between(
        local_date(dossier.supplement_requested_at), local_date(at)
    )
    dossier.due_at = end_of_day(calendar.add_working_days(local_date(dossier.due_at), waited))
    for task in dossier.tasks:
        if task.status == "pending" and task.due_at is not None:
            task.due_at = end_of_day(calendar.add_working_days(local_date(task.due_at), waited))


def enter_step(
    dossier: "Dossier", step: str, at: datetime, calendar: WorkingCalendar | None
) -> None:
    limit = dossier.step_limits.get(step)
    dossier.step, dossier.step_version, dossier.step_started_at = step, dossier.version, at
    dossier.step_due_at = (
        step_due_at(calendar, at, limit) if limit is not None and calendar else None
    )
