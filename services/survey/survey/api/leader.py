"""What the unit's leader reads: the monthly tally, the comments and the suggestion box."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from motcua_shared.vietnam.timeutil import to_vn
from motcua_shared.web.auth import Principal, PrincipalDep, ensure_unit, require_roles

from survey.api.deps import UNIT_CODE_PATTERN, Services, services
from survey.api.schemas import CommentList, CommentOut, SuggestionList, SuggestionOut, TallyOut
from survey.domain.survey import Survey
from survey.domain.tally import Month

UnitCode = Annotated[str, Path(pattern=UNIT_CODE_PATTERN)]
# Years 1900–2099: a month outside what datetime can bound (0000-01, 9999-12) is refused at the
# edge.
MONTH_PATTERN = r"^(19|20)\d{2}-(0[1-9]|1[0-2])$"
MonthParam = Annotated[
    str, Query(pattern=MONTH_PATTERN, description="YYYY-MM, in Asia/Ho_Chi_Minh")
]


def leader_router(principal: PrincipalDep) -> APIRouter:
    router = APIRouter(tags=["unit leader"])
    leader = require_roles(principal, "leader")

    async def leader_of(unit: UnitCode, who: Annotated[Principal, Depends(leader)]) -> str:
        ensure_unit(who, unit)
        return unit

    @router.get(
        "/api/v1/units/{unit}/tally",
        response_model=TallyOut,
        summary="Monthly satisfaction tally: counts per level, satisfied rate, comments",
    )
    async def monthly_tally(
        unit: Annotated[str, Depends(leader_of)],
        month: MonthParam,
        svc: Annotated[Services, Depends(services)],
    ) -> TallyOut:
        report = await svc.reports.month(unit, Month.parse(month))
        return TallyOut(
            unit_code=unit,
            month=month,
            answers=report.tally.answers,
            counts=report.tally.counts,
            satisfied_rate=report.tally.satisfied_rate,
            comments=[_comment(s) for s in report.commented],
        )

    @router.get(
        "/api/v1/units/{unit}/comments",
        response_model=CommentList,
        summary="The citizens' comments of a month (kept only in survey's database)",
    )
    async def comments(
        unit: Annotated[str, Depends(leader_of)],
        month: MonthParam,
        svc: Annotated[Services, Depends(services)],
    ) -> CommentList:
        report = await svc.reports.month(unit, Month.parse(month))
        return CommentList(
            unit_code=unit, month=month, comments=[_comment(s) for s in report.commented]
        )

    @router.get(
        "/api/v1/units/{unit}/suggestions",
        response_model=SuggestionList,
        summary="The unit's suggestion box, newest first (optionally one month)",
    )
    async def suggestions(
        unit: Annotated[str, Depends(leader_of)],
        svc: Annotated[Services, Depends(services)],
        month: Annotated[str | None, Query(pattern=MONTH_PATTERN)] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    ) -> SuggestionList:
        window = Month.parse(month) if month else None
        since, until = (window.start, window.end) if window else (None, None)
        notes = await svc.suggestions.for_unit(unit, since, until, limit)
        return SuggestionList(
            unit_code=unit,
            suggestions=[
                SuggestionOut(
                    suggestion_id=n.suggestion_id,
                    text=n.text,
                    officer=n.officer,
                    contact=n.contact,
                    submitted_at=to_vn(n.submitted_at),
                )
                for n in notes
            ],
        )

    return router


def _comment(survey: Survey) -> CommentOut:
    answer, subject = survey.answer, survey.subject
    assert answer is not None and answer.comment
    return CommentOut(
        dossier_code=subject.dossier_code,
        procedure_code=subject.procedure_code,
        procedure_name=subject.procedure_name,
        officer_id=subject.officer_id,
        level=answer.level,
        comment=answer.comment,
        answer_channel=answer.channel,
        answered_at=to_vn(answer.answered_at),
    )
