"""Linked dossiers (liên thông; seed 001 Hòa An, "3 trong 1", docs/domain.md): one dossier
received at the desk, one task per agency that acts on it (commune justice, police, social
insurance), each with its own status and due date. The parent is resolved through its agencies'
tasks, never directly: when the last task is resolved, the parent is approved if every agency
approved, else refused with the refusing agencies' reasons."""

from datetime import datetime
from typing import TYPE_CHECKING

from motcua_shared.contract.dossier_events import ResolutionOutcome

from intake.domain.catalogue import Procedure
from intake.domain.codes import task_code
from intake.domain.dossier_parts import LinkedTask
from intake.domain.errors import IllegalTransition, NotFound
from intake.domain.lifecycle import Action, next_status, require_reason

if TYPE_CHECKING:
    from intake.domain.dossier import Dossier


def open_tasks(code: str, procedure: Procedure) -> list[LinkedTask]:
    """The dossier's tasks, one per agency of the procedure (a snapshot of the catalogue)."""
    return [
        LinkedTask(
            code=task_code(code, t.agency),
            agency=t.agency,
            agency_name=t.agency_name,
            name=t.name,
            time_limit=t.time_limit,
        )
        for t in procedure.linked_tasks
    ]


def find_task(tasks: list[LinkedTask], agency: str) -> LinkedTask:
    for task in tasks:
        if task.agency == agency:
            return task
    raise NotFound("task", agency)


def resolve_task(
    dossier: "Dossier",
    officer_id: str,
    at: datetime,
    agency: str,
    outcome: ResolutionOutcome,
    reason: str | None,
) -> bool:
    target = next_status(Action.RESOLVE_TASK, dossier.status)
    task = find_task(dossier.tasks, agency)
    if task.status == "resolved":
        raise IllegalTransition(
            Action.RESOLVE_TASK.value,
            dossier.status,
            f"Cơ quan {agency} đã giải quyết phần việc của mình",
            f"The {agency} task is already resolved",
        )
    require_reason(outcome, reason)
    task.status, task.outcome, task.reason = "resolved", outcome, reason
    task.resolved_at, task.officer_id = at, officer_id
    dossier._apply(
        Action.RESOLVE_TASK,
        target,
        officer_id,
        at,
        {"agency": agency, "outcome": outcome.value, "reason": reason},
    )
    if any(t.status == "pending" for t in dossier.tasks):
        return False
    refused = [t for t in dossier.tasks if t.outcome is ResolutionOutcome.REFUSED]
    overall = ResolutionOutcome.REFUSED if refused else ResolutionOutcome.APPROVED
    dossier._resolve(
        officer_id,
        at,
        overall,
        "; ".join(f"{t.agency_name}: {t.reason}" for t in refused) or None,
    )
    return True
