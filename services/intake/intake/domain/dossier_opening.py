"""Opening a dossier at the desk (tiếp nhận hồ sơ), Decree 118/2025/NĐ-CP and Circular
03/2025/TT-VPCP: the officer's check of the papers decides the first state (lifecycle.py).
Complete: the dossier is received (form 01), its clock starts and its first step begins.
Incomplete: the missing papers are listed and requested (form 02). Refused: with a reason (form
03). The procedure is snapshotted (time limit, step limits, linked tasks, fee), so a later
catalogue change does not move the dossier.
"""

from datetime import datetime

from motcua_shared.contract.dossier_events import Channel

from intake.domain.calendar import WorkingCalendar
from intake.domain.catalogue import Procedure, Unit
from intake.domain.citizen import Citizen, require_address
from intake.domain.deadlines import RECEIPT_STEP
from intake.domain.dossier import Dossier
from intake.domain.dossier_clock import enter_step, start_clock
from intake.domain.errors import RuleViolation
from intake.domain.fees import Fee
from intake.domain.lifecycle import INITIAL_STATUS, DeskCheck
from intake.domain.linked_tasks import open_tasks


def open_dossier(
    *,
    code: str,
    unit: Unit,
    procedure: Procedure,
    channel: Channel,
    citizen: Citizen,
    home_service: bool,
    correlation_id: str,
    desk_check: DeskCheck,
    officer_id: str,
    at: datetime,
    calendar: WorkingCalendar,
    missing_papers: list[str],
    reason: str | None,
) -> Dossier:
    if home_service:
        require_address(citizen)
    dossier = Dossier(
        code=code,
        unit_code=unit.code,
        unit_name=unit.name,
        province_code=unit.province_code,
        procedure_code=procedure.code,
        procedure_name=procedure.name,
        field_code=procedure.field.code,
        time_limit=procedure.time_limit,
        civil_status_event=procedure.civil_status_event,
        channel=channel,
        citizen=citizen,
        home_service=home_service,
        correlation_id=correlation_id,
        status=INITIAL_STATUS[desk_check],
        submitted_at=at,
        current_officer_id=officer_id,
        step_limits=dict(procedure.step_limits),
        tasks=open_tasks(code, procedure),
        fee=Fee(amount_vnd=procedure.fee_vnd, due=procedure.fee_due)
        if procedure.fee_due is not None and procedure.fee_vnd > 0
        else None,
    )
    if desk_check is DeskCheck.COMPLETE:
        start_clock(dossier, at, calendar)
        dossier._record("receive", None, officer_id, at, {})
        enter_step(dossier, RECEIPT_STEP, at, calendar)
    elif desk_check is DeskCheck.INCOMPLETE:
        if not missing_papers:
            raise RuleViolation(
                "missing_papers",
                "Cần liệt kê giấy tờ còn thiếu",
                "List the missing papers for an incomplete dossier",
            )
        dossier.missing_papers = list(missing_papers)
        dossier._record(
            "desk-request-papers",
            None,
            officer_id,
            at,
            {
                "missing_papers": list(missing_papers),
                "reason": reason or "Hồ sơ chưa đầy đủ, cần bổ sung",
            },
        )
    else:
        if not reason:
            raise RuleViolation(
                "reason",
                "Cần nêu lý do từ chối tiếp nhận",
                "A refusal at the desk needs a reason",
            )
        dossier.refusal_reason = reason
        dossier._record("desk-refuse", None, officer_id, at, {"reason": reason})
    return dossier
