"""The suggestion box (hòm thư góp ý): an anonymous form per unit, and the same as JSON."""

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse

from motcua_shared.web.api_errors import ApiError

from survey.api.deps import UNIT_CODE_PATTERN, Services, client_address, services
from survey.api.forms import read_form
from survey.api.pages import message_page, page
from survey.api.schemas import SuggestionIn, SuggestionReceipt
from survey.app.suggestion_box import TooManySuggestions
from survey.domain.suggestion import CONTACT_MAX_LENGTH, OFFICER_MAX_LENGTH, TEXT_MAX_LENGTH

UnitCode = Annotated[str, Path(pattern=UNIT_CODE_PATTERN)]
_is_unit_code = re.compile(UNIT_CODE_PATTERN).fullmatch

_FORM_PROBLEMS = {
    "text": f"Vui lòng nhập nội dung góp ý (tối đa {TEXT_MAX_LENGTH} ký tự).",
    "officer": f"Tên cán bộ tối đa {OFFICER_MAX_LENGTH} ký tự.",
    "contact": f"Thông tin liên hệ tối đa {CONTACT_MAX_LENGTH} ký tự.",
}
_NO_SUCH_BOX = (
    "Không tìm thấy hòm thư góp ý",
    ["Địa chỉ hòm thư không đúng. Vui lòng kiểm tra lại đường dẫn."],
)
_TOO_MANY = (
    "Ông/bà đã gửi nhiều góp ý trong thời gian ngắn",
    [
        "Để tránh thư rác, hòm thư tạm thời không nhận thêm góp ý từ thiết bị này.",
        "Vui lòng thử lại sau ít phút.",
    ],
)

router = APIRouter(tags=["suggestion box"])


@router.get("/hop-thu/{unit}", response_class=HTMLResponse, include_in_schema=False)
async def suggestion_form(unit: str, svc: Annotated[Services, Depends(services)]) -> HTMLResponse:
    if not _is_unit_code(unit):
        return message_page(404, *_NO_SUCH_BOX)
    return await _form(svc, unit)


@router.post("/hop-thu/{unit}", response_class=HTMLResponse, include_in_schema=False)
async def submit_form(
    unit: str, request: Request, svc: Annotated[Services, Depends(services)]
) -> HTMLResponse:
    if not _is_unit_code(unit):
        return message_page(404, *_NO_SUCH_BOX)
    note, values, bad_fields = await read_form(
        request, SuggestionIn, ("text", "officer", "contact", "consent")
    )
    if note is None:
        errors = [
            _FORM_PROBLEMS.get(field, "Dữ liệu không hợp lệ.")
            for field in dict.fromkeys(bad_fields)
        ]
        return await _form(svc, unit, status=422, errors=errors, **values)
    unit_name = await svc.reports.unit_name(unit)
    try:
        await svc.suggestions.submit(
            unit,
            note.text,
            note.officer,
            note.contact,
            client=client_address(request),
            consent=note.consent,
        )
    except TooManySuggestions as exc:
        answer = message_page(429, *_TOO_MANY, unit_name=unit_name)
        answer.headers["Retry-After"] = str(exc.retry_after)
        return answer
    return message_page(
        200,
        "Cảm ơn ông/bà đã góp ý",
        [
            "Góp ý đã được chuyển đến lãnh đạo đơn vị.",
            "Nếu ông/bà để lại thông tin liên hệ, lãnh đạo đơn vị sẽ xem xét, trả lời và "
            "báo kết quả.",
        ],
        unit_name=unit_name,
    )


@router.post(
    "/api/v1/units/{unit}/suggestions",
    status_code=201,
    response_model=SuggestionReceipt,
    summary="Drop a note in the unit's suggestion box (anonymous unless a contact is "
    "left: then the "
    "leader must answer it)",
)
async def submit_json(
    unit: UnitCode,
    body: SuggestionIn,
    request: Request,
    svc: Annotated[Services, Depends(services)],
) -> SuggestionReceipt:
    try:
        note = await svc.suggestions.submit(
            unit,
            body.text,
            body.officer,
            body.contact,
            client=client_address(request),
            consent=body.consent,
        )
    except TooManySuggestions as exc:
        raise ApiError(
            429,
            "too_many_suggestions",
            "Gửi quá nhiều góp ý, vui lòng thử lại sau ít phút",
            "Too many suggestions from this client; try again in a few minutes",
            headers={"Retry-After": str(exc.retry_after)},
        ) from exc
    return SuggestionReceipt(suggestion_id=note.suggestion_id, submitted_at=note.submitted_at)


async def _form(
    svc: Services, unit: str, *, status: int = 200, errors: list[str] | None = None, **values: str
) -> HTMLResponse:
    return page(
        "suggestion_form.html",
        status,
        title="Hòm thư góp ý",
        unit_code=unit,
        unit_name=await svc.reports.unit_name(unit),
        errors=errors or [],
        text_max=TEXT_MAX_LENGTH,
        officer_max=OFFICER_MAX_LENGTH,
        contact_max=CONTACT_MAX_LENGTH,
        **values,
    )
