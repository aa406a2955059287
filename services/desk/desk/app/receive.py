"""The desk check turned into intake's receipt (Decree 118/2025/NĐ-CP; Circular
03/2025/TT-VPCP forms 01–03): every paper ticked → complete (receipt and appointment slip);
some missing → incomplete, the unticked papers are the request to supplement; not eligible →
refusal with its reason. Checks the officer's choice against the ticks before asking intake."""

from dataclasses import dataclass
from typing import Any

from desk.app.ports import ServiceRefused

FORM_FOR_STATUS = {
    "received": "giay-tiep-nhan",
    "awaiting_papers": "yeu-cau-bo-sung",
    "refused_at_desk": "tu-choi",
}


@dataclass(frozen=True)
class DeskCheckError(Exception):
    message: str


def receipt_body(
    procedure: dict[str, Any], form: dict[str, Any], ticked: list[str]
) -> dict[str, Any]:
    decision = form.get("desk_check")
    papers = list(procedure.get("required_papers") or [])
    missing = [p for p in papers if p not in ticked]
    if decision == "complete" and missing:
        raise DeskCheckError(
            "Hồ sơ còn thiếu: "
            + "; ".join(missing)
            + ". Chọn “Yêu cầu bổ sung” hoặc đánh dấu đủ giấy tờ."
        )
    if decision == "incomplete" and not missing:
        raise DeskCheckError(
            "Mọi giấy tờ đã được đánh dấu đủ: bỏ đánh dấu giấy tờ còn thiếu để yêu cầu bổ sung."
        )
    if decision not in ("complete", "incomplete", "ineligible"):
        raise DeskCheckError("Chọn kết quả kiểm tra hồ sơ.")
    citizen = {
        "full_name": form.get("full_name", "").strip(),
        "consent": form.get("consent") == "on",
        "preferred_channel": form.get("preferred_channel") or "zalo",
    }
    for key in ("cccd", "phone", "address"):
        if value := str(form.get(key) or "").strip():
            citizen[key] = value
    body: dict[str, Any] = {
        "procedure_code": procedure["code"],
        "channel": form.get("channel") or "direct",
        "desk_check": decision,
        "citizen": citizen,
        "home_service": form.get("home_service") == "on",
    }
    if decision == "incomplete":
        body["missing_papers"] = missing
    if reason := str(form.get("reason") or "").strip():
        body["reason"] = reason
    return body


def field_errors(exc: ServiceRefused) -> list[str]:
    return exc.details or [exc.message]
