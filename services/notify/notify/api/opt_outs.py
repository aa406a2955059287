"""POST /api/v1/opt-outs: the desk records that a citizen does not want messages."""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from motcua_shared.vietnam.privacy import mask_phone
from motcua_shared.web.auth import Principal, PrincipalDep, require_roles

from notify.api.schemas import OptOutRequest, OptOutResponse
from notify.app.opt_outs import RecordOptOut


def opt_out_router(record: Callable[[], RecordOptOut], principal_dep: PrincipalDep) -> APIRouter:
    router = APIRouter(tags=["opt-outs"])

    @router.post(
        "/api/v1/opt-outs",
        status_code=201,
        response_model=OptOutResponse,
        summary="Record that a citizen does not want messages (Zalo or SMS)",
        responses={200: {"model": OptOutResponse, "description": "Already opted out"}},
    )
    async def opt_out(
        body: OptOutRequest,
        principal: Annotated[Principal, Depends(require_roles(principal_dep, "desk", "admin"))],
    ) -> JSONResponse:
        phone, created = await record()(
            body.phone, source="desk", by=f"{principal.unit}/{principal.sub}"
        )
        answer = OptOutResponse(phone=mask_phone(phone), created=created)
        return JSONResponse(answer.model_dump(), status_code=201 if created else 200)

    return router
