"""Telling officers about deadlines (intake's `dossier.due_soon`, `.overdue`, `.step_overdue`):
the officer holding the dossier, and for an overdue one the unit leaders too, by e-mail.

Why: the letter of apology and request to extend (form 04 of Appendix I, Circular
03/2025/TT-VPCP; Decree 118/2025/NĐ-CP) must be issued at least one working day before the due
date, so the desk has to know before it is too late, and the leader who signs it when it is.
Officers are not citizens: no quiet hours, no consent; the event carries only their id, role and
contact. An officer with no e-mail is skipped, with the reason (Zalo for officers needs a ZNS
template approved for staff, not available yet). One alert per (event, officer): its id is
`<event id>:<officer id>`, so a redelivered event never sends twice.
"""

from dataclasses import dataclass
from datetime import datetime

from motcua_shared.contract.dossier_events import (
    DossierDueSoon,
    DossierOverdue,
    DossierStepOverdue,
    OfficerContact,
)
from motcua_shared.contract.event_base import EventPayload
from motcua_shared.vietnam.timeutil import to_vn

DEADLINE_EVENTS = (DossierDueSoon, DossierOverdue, DossierStepOverdue)

STEP_NAMES = {
    "tiep-nhan": "tiếp nhận",
    "chuyen-mon": "xử lý chuyên môn",
    "lanh-dao-ky": "lãnh đạo ký duyệt",
    "tra-ket-qua": "trả kết quả",
}


@dataclass(frozen=True)
class OfficerAlert:
    id: str
    event_id: str
    kind: str  # due_soon | overdue | step_overdue
    dossier_code: str
    unit_code: str
    officer_id: str
    role: str
    email: str | None
    subject: str
    text: str
    skipped: str | None = None  # why it is not sent


def _day(value: datetime | None) -> str:
    return to_vn(value).strftime("%d/%m/%Y") if value else "chưa rõ"


def _texts(p: EventPayload, code: str, role: str) -> tuple[str, str, str]:
    head = f"Hồ sơ {code} — {p.procedure_name} ({p.unit_name})"  # type: ignore[attr-defined]
    if isinstance(p, DossierDueSoon):
        risk = (
            " Theo thời gian xử lý các hồ sơ trước, hồ sơ này có nguy cơ trễ hạn."
            if p.at_risk
            else ""
        )
        return (
            "due_soon",
            f"[Sắp đến hạn] {head}",
            f"{head} sẽ đến hạn trả kết quả ngày {_day(p.due_at)} (còn "
            f"{p.working_days_left} ngày làm việc)."
            f"{risk} Nếu không kịp, cần gửi Văn bản xin lỗi và đề nghị gia hạn "
            "thời gian giải quyết "
            f"(Mẫu 04) chậm nhất 01 ngày làm việc trước ngày hẹn.",
        )
    if isinstance(p, DossierOverdue):
        who = "Đồng chí là lãnh đạo đơn vị. " if role == "leader" else ""
        return (
            "overdue",
            f"[Quá hạn] {head}",
            f"{who}{head} đã quá hạn trả kết quả (hạn {_day(p.due_at)}) và vẫn đang giải quyết"
            f" (cán bộ đang xử lý: {p.holder_id or 'chưa rõ'}).",
        )
    assert isinstance(p, DossierStepOverdue)
    step = STEP_NAMES.get(p.step, p.step)
    return (
        "step_overdue",
        f"[Trễ bước {step}] {head}",
        f"{head}: bước {step} đã quá hạn ngày {_day(p.step_due_at)}; hạn trả kết "
        f"quả {_day(p.due_at)}.",
    )


def plan_officer_alerts(
    payload: EventPayload, *, event_id: str, dossier_code: str, unit_code: str
) -> list[OfficerAlert]:
    if not isinstance(payload, DEADLINE_EVENTS):
        return []
    alerts = []
    for officer in payload.officers:
        kind, subject, text = _texts(payload, dossier_code, officer.role)
        alerts.append(
            OfficerAlert(
                id=f"{event_id}:{officer.officer_id}",
                event_id=event_id,
                kind=kind,
                dossier_code=dossier_code,
                unit_code=unit_code,
                officer_id=officer.officer_id,
                role=officer.role,
                email=officer.email,
                subject=subject,
                text=text,
                skipped=_why_not(officer),
            )
        )
    return alerts


def _why_not(officer: OfficerContact) -> str | None:
    if not officer.email:
        return "no_email: the officer account has no e-mail address"
    return None
