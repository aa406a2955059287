"""The unit leader's follow-ups (phản ánh, kiến nghị): the list, oldest due first, and the
answer."""

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query

from motcua_shared.vietnam.timeutil import to_vn
from motcua_shared.web.auth import Principal, PrincipalDep, ensure_unit, require_roles

from survey.api.deps import UNIT_CODE_PATTERN, Services, services
from survey.api.errors import follow_up_error
from survey.api.schemas import FollowUpList, FollowUpOut, FollowUpResponseIn
from survey.domain.errors import FollowUpError, NotYourUnit
from survey.domain.follow_up import FollowUp

UnitCode = Annotated[str, Path(pattern=UNIT_CODE_PATTERN)]
FollowUpId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="The follow-up's id")]


def follow_ups_router(principal: PrincipalDep) -> APIRouter:
    router = APIRouter(tags=["unit leader"])
    leader = require_roles(principal, "leader")

    @router.get(
        "/api/v1/units/{unit}/follow-ups",
        response_model=FollowUpList,
        summary="Feedback to answer (phản ánh, kiến nghị): open ones oldest due "
        "first, or answered / all",
    )
    async def list_follow_ups(
        unit: UnitCode,
        who: Annotated[Principal, Depends(leader)],
        svc: Annotated[Services, Depends(services)],
        status: Literal["open", "answered", "all"] = "open",
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    ) -> FollowUpList:
        ensure_unit(who, unit)
        now = svc.clock()
        items = await svc.follow_ups.for_unit(unit, status, limit)
        return FollowUpList(unit_code=unit, status=status, follow_ups=[_out(f, now) for f in items])

    @router.post(
        "/api/v1/units/{unit}/follow-ups/{follow_up_id}/response",
        status_code=201,
        response_model=FollowUpOut,
        summary="Record what was done (leader of the unit, once); the citizen is "
        "told if they consented",
    )
    async def respond(
        unit: UnitCode,
        follow_up_id: FollowUpId,
        body: FollowUpResponseIn,
        who: Annotated[Principal, Depends(leader)],
        svc: Annotated[Services, Depends(services)],
    ) -> FollowUpOut:
        try:
            answered = await svc.follow_ups.respond(
                unit, follow_up_id, body.action, officer_id=who.sub, officer_unit=who.unit
            )
        except (FollowUpError, NotYourUnit) as error:
            raise follow_up_error(error) from error
        return _out(answered, svc.clock())

    return router


def _out(f: FollowUp, now: datetime) -> FollowUpOut:
    r = f.response
    return FollowUpOut(
        follow_up_id=f.follow_up_id,
        unit_code=f.unit_code,
        source=f.source,
        dossier_code=f.dossier_code,
        feedback=f.feedback,
        opened_at=to_vn(f.opened_at),
        due_at=to_vn(f.due_at),
        overdue=f.is_overdue(now),
        tells_citizen=f.tells_citizen,
        action=r.action if r else None,
        answered_by=r.by if r else None,
        answered_at=to_vn(r.answered_at) if r else None,
        answered_on_time=f.answered_on_time,
    )
