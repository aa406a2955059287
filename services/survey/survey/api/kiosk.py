"""The desk's kiosk: the desk officer records the citizen's answer right after the return."""

from typing import Annotated

from fastapi import APIRouter, Depends

from motcua_shared.web.auth import Principal, PrincipalDep, require_roles

from survey.api.deps import Services, services
from survey.api.errors import api_error
from survey.api.schemas import AnswerIn, AnswerOut
from survey.domain.errors import SurveyError


def kiosk_router(principal: PrincipalDep) -> APIRouter:
    router = APIRouter(tags=["desk kiosk"])
    desk_officer = require_roles(principal, "desk")

    @router.post(
        "/api/v1/kiosk/dossiers/{code}/answer",
        status_code=201,
        response_model=AnswerOut,
        summary="Record the citizen's answer at the desk (desk officer of the dossier's unit)",
    )
    async def answer_at_kiosk(
        code: str,
        body: AnswerIn,
        officer: Annotated[Principal, Depends(desk_officer)],
        svc: Annotated[Services, Depends(services)],
    ) -> AnswerOut:
        try:
            survey = await svc.answers.at_kiosk(
                code, body.level, body.comment, officer_id=officer.sub, officer_unit=officer.unit
            )
        except SurveyError as error:
            raise api_error(error) from error
        assert survey.answer is not None
        return AnswerOut(
            dossier_code=code,
            level=survey.answer.level,
            answer_channel=survey.answer.channel,
            answered_at=survey.answer.answered_at,
        )

    return router
