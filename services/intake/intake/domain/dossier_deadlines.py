"""A dossier's deadlines (deadlines.py gives the rule and its legal source): the alarms still to
fire while its clock runs, the earliest of them kept as `next_deadline_at` (indexed, so the
deadline sweep reads only what is due), firing each at most once (a history entry → one event),
and the at-risk mark from the procedure's history (at_risk.py)."""

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from motcua_shared.contract.dossier_events import OfficerContact

from intake.domain.at_risk import at_risk as predicts_late
from intake.domain.calendar import WorkingCalendar, local_date
from intake.domain.deadlines import Alarm, DeadlineKind, DeadlineRule, alarms
from intake.domain.lifecycle import CLOCK_RUNNING

if TYPE_CHECKING:
    from intake.domain.dossier import Dossier

SYSTEM_OFFICER = "system"  # who "acts" when a deadline fires


def assess_risk(dossier: "Dossier", samples: list[int], calendar: WorkingCalendar) -> bool:
    dossier.at_risk = (
        dossier.status in CLOCK_RUNNING
        and dossier.step_started_at is not None
        and predicts_late(samples, dossier.step_started_at, dossier.due_at, calendar)
    )
    return dossier.at_risk


def pending_alarms(
    dossier: "Dossier", calendar: WorkingCalendar, rule: DeadlineRule
) -> list[Alarm]:
    if dossier.status not in CLOCK_RUNNING:
        return []
    return alarms(
        due_at=dossier.due_at,
        received_at=dossier.received_at,
        step_due=dossier.step_due_at,
        step_key=f"{DeadlineKind.STEP_OVERDUE.value}:{dossier.step_version}",
        fired=set(dossier.alarms_fired),
        calendar=calendar,
        rule=rule,
    )


def plan_deadlines(dossier: "Dossier", calendar: WorkingCalendar, rule: DeadlineRule) -> None:
    pending = pending_alarms(dossier, calendar, rule)
    dossier.next_deadline_at = pending[0].at if pending else None


def fire_deadlines(
    dossier: "Dossier",
    now: datetime,
    calendar: WorkingCalendar,
    rule: DeadlineRule,
    officers: Callable[[DeadlineKind], list[OfficerContact]],
) -> list[Alarm]:
    fired: list[Alarm] = []
    for alarm in pending_alarms(dossier, calendar, rule):
        if alarm.at > now:
            break
        dossier.alarms_fired.append(alarm.key)
        if (
            alarm.kind is DeadlineKind.DUE_SOON
            and dossier.due_at is not None
            and now > dossier.due_at
        ):
            continue
        details: dict[str, Any] = {
            "officers": [o.model_dump() for o in officers(alarm.kind)],
            "holder_id": dossier.current_officer_id,
        }
        if alarm.kind is DeadlineKind.DUE_SOON:
            assert dossier.due_at is not None
            details |= {
                "working_days_left": calendar.working_days_between(
                    local_date(now), local_date(dossier.due_at)
                ),
                "at_risk": dossier.at_risk,
            }
        elif alarm.kind is DeadlineKind.STEP_OVERDUE:
            details |= {"step": dossier.step, "step_due_at": dossier.step_due_at}
        dossier._record(alarm.kind.value, dossier.status, SYSTEM_OFFICER, now, details)
        fired.append(alarm)
    plan_deadlines(dossier, calendar, rule)
    return fired
