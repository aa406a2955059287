"""The citizen's survey page, reached by the link in the message: GET shows it, POST answers."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from motcua_shared.vietnam.timeutil import to_vn

from survey.api.deps import Services, services
from survey.api.forms import read_form
from survey.api.pages import message_page, page, survey_problem_page
from survey.api.schemas import AnswerIn
from survey.domain.errors import SurveyError
from survey.domain.survey import COMMENT_MAX_LENGTH, LEVEL_LABELS_VI, Survey

_FORM_PROBLEMS = {
    "level": "Vui lòng chọn một trong ba mức: không hài lòng, hài lòng hoặc rất hài lòng.",
    "comment": f"Ý kiến thêm tối đa {COMMENT_MAX_LENGTH} ký tự.",
}

router = APIRouter(tags=["citizen survey page"], include_in_schema=False)


@router.get("/s/{token}", response_class=HTMLResponse)
async def show_survey(token: str, svc: Annotated[Services, Depends(services)]) -> HTMLResponse:
    try:
        survey = await svc.answers.open_by_token(token)
    except SurveyError as error:
        return survey_problem_page(error)
    return _form(survey)


@router.post("/s/{token}", response_class=HTMLResponse)
async def answer_survey(
    token: str, request: Request, svc: Annotated[Services, Depends(services)]
) -> HTMLResponse:
    answer, values, bad_fields = await read_form(request, AnswerIn, ("level", "comment"))
    try:
        if answer is None:
            survey = await svc.answers.open_by_token(
                token
            )  # a dead link says so before a form error
            errors = [
                _FORM_PROBLEMS.get(field, "Dữ liệu không hợp lệ.")
                for field in dict.fromkeys(bad_fields)
            ]
            return _form(
                survey,
                status=422,
                errors=errors,
                chosen_level=values["level"],
                comment=values["comment"],
            )
        survey = await svc.answers.online(token, answer.level, answer.comment)
    except SurveyError as error:
        return survey_problem_page(error)
    return message_page(
        200,
        "Cảm ơn ông/bà đã đánh giá",
        [
            f"Đánh giá “{LEVEL_LABELS_VI[answer.level]}” cho hồ sơ "
            f"{survey.subject.dossier_code} đã được ghi nhận.",
            "Ý kiến của ông/bà giúp chúng tôi phục vụ tốt hơn.",
        ],
        unit_name=survey.subject.unit_name,
    )


def _form(
    survey: Survey,
    *,
    status: int = 200,
    errors: list[str] | None = None,
    chosen_level: str | None = None,
    comment: str | None = None,
) -> HTMLResponse:
    subject = survey.subject
    return page(
        "survey_form.html",
        status,
        title="Khảo sát mức độ hài lòng",
        unit_name=subject.unit_name,
        dossier_code=subject.dossier_code,
        procedure_name=subject.procedure_name,
        expires_at=to_vn(survey.expires_at).strftime("%H:%M ngày %d/%m/%Y"),
        token=survey.token,
        levels=[(level.value, label) for level, label in LEVEL_LABELS_VI.items()],
        comment_max=COMMENT_MAX_LENGTH,
        errors=errors or [],
        chosen_level=chosen_level,
        comment=comment,
    )
