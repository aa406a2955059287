"""Response bodies: the officer's view of a dossier (with the slip the desk prints) and the
citizen's public view (no name, no phone)."""

from typing import Any

from motcua_shared.vietnam.timeutil import to_vn

from intake.domain.dossier import Dossier
from intake.domain.lifecycle import allowed_actions

STATUS_VI = {
    "awaiting_papers": "Chờ bổ sung giấy tờ",
    "refused_at_desk": "Từ chối tiếp nhận",
    "received": "Đã tiếp nhận",
    "in_progress": "Đang giải quyết",
    "supplement_requested": "Yêu cầu bổ sung hồ sơ",
    "resolved": "Đã có kết quả, chờ trả",
    "returned": "Đã trả kết quả",
    "withdrawn": "Đã rút hồ sơ",
}


def _local(value: Any) -> str | None:
    return to_vn(value).isoformat() if value else None


def slip(dossier: Dossier) -> dict[str, Any]:
    """What the desk prints for the citizen, by the desk check's outcome (forms of Appendix I,
    Circular 03/2025/TT-VPCP: 01 receipt and appointment, 02 request to supplement, 03 refusal,
    05 notice that processing is stopped at the citizen's request; `form` gives the number)."""
    common = {
        "code": dossier.code,
        "unit_name": dossier.unit_name,
        "procedure_name": dossier.procedure_name,
        "citizen_name": dossier.citizen.full_name,
        "issued_at": _local(dossier.history[0].at),
    }
    if dossier.status.value == "refused_at_desk":
        return common | {
            "kind": "refusal",
            "form": "03",
            "title": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
            "reason": dossier.refusal_reason,
        }
    if dossier.status.value == "awaiting_papers":
        return common | {
            "kind": "supplement_request",
            "form": "02",
            "title": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
            "missing_papers": dossier.missing_papers,
        }
    if dossier.status.value == "withdrawn":
        return common | {
            "kind": "stop_notice",
            "form": "05",
            "title": "Thông báo dừng giải quyết hồ sơ",
            "withdrawn_at": _local(dossier.withdrawn_at),
        }
    return common | {
        "kind": "appointment",
        "form": "01",
        "title": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "received_at": _local(dossier.received_at),
        "due_at": _local(dossier.due_at),
        "due_date": to_vn(dossier.due_at).date().isoformat() if dossier.due_at else None,
    }


def officer_view(dossier: Dossier) -> dict[str, Any]:
    body = dossier.model_dump(mode="json")
    body["due_date"] = to_vn(dossier.due_at).date().isoformat() if dossier.due_at else None
    body["status_label"] = STATUS_VI[dossier.status.value]
    body["allowed_actions"] = [a.value for a in allowed_actions(dossier.status)]
    body["slip"] = slip(dossier)
    return body


def public_view(dossier: Dossier) -> dict[str, Any]:
    return {
        "code": dossier.code,
        "status": dossier.status.value,
        "status_label": STATUS_VI[dossier.status.value],
        "procedure": {"code": dossier.procedure_code, "name": dossier.procedure_name},
        "unit": {"code": dossier.unit_code, "name": dossier.unit_name},
        "received_at": _local(dossier.received_at),
        "due_at": _local(dossier.due_at),
        "due_date": to_vn(dossier.due_at).date().isoformat() if dossier.due_at else None,
        "resolved_at": _local(dossier.resolved_at),
        "returned_at": _local(dossier.returned_at),
    }
