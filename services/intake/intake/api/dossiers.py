"""Receiving dossiers and reading them (officers of the dossier's unit)."""

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Request

from intake.api.deps import DESK, OFFICERS, AppDep, PrincipalDep, actor_dep, services
from intake.api.schemas import ReceiveRequest
from intake.api.views import officer_view
from intake.app.context import Actor
from intake.app.files import audited_read
from intake.app.receive import Submission, receive_dossier
from intake.app.verification import tokens_for
from intake.domain.errors import WrongUnit

CodePath = Annotated[
    str, Path(pattern=r"^[A-Za-z0-9\-]{1,64}$", description="Mã hồ sơ / dossier code")
]


def dossiers_router(principal: PrincipalDep) -> APIRouter:
    router = APIRouter(prefix="/api/v1/dossiers", tags=["dossiers / hồ sơ"])

    @router.post(
        "",
        status_code=201,
        summary="Tiếp nhận hồ sơ / receive a dossier at the desk",
        description="Kiểm tra hồ sơ: đủ → tiếp nhận, cấp mã và ngày hẹn trả; "
        "thiếu → yêu cầu bổ sung; "
        "không đủ điều kiện → từ chối. / The desk check decides: received with a code and "
        "due date, awaiting papers, or refused at the desk.",
    )
    async def receive(
        body: ReceiveRequest,
        app: AppDep,
        actor: Actor = actor_dep(principal, DESK),
        x_correlation_id: Annotated[str | None, Header(max_length=128)] = None,
    ) -> dict[str, Any]:
        if body.unit_code is not None and body.unit_code != actor.unit_code:
            raise WrongUnit()
        dossier = await receive_dossier(
            app,
            actor,
            Submission(
                procedure_code=body.procedure_code,
                channel=body.channel,
                desk_check=body.desk_check,
                citizen=body.citizen.to_domain(),
                home_service=body.home_service,
                missing_papers=list(body.missing_papers),
                reason=body.reason,
                correlation_id=x_correlation_id,
            ),
        )
        return officer_view(dossier)

    @router.get(
        "/{code}",
        summary="Xem hồ sơ / read a dossier of your unit",
        description="With `verification`: the QR tokens and links of its slip and result "
        "(null until issued).",
    )
    async def read(
        request: Request, code: CodePath, app: AppDep, actor: Actor = actor_dep(principal, OFFICERS)
    ) -> dict[str, Any]:
        dossier = await audited_read(app, actor, code)  # the citizen's fields: recorded
        public_url = services(request).settings.public_url
        tokens = tokens_for(app, dossier, public_url) if app.digitisation else {}
        return officer_view(dossier) | {"verification": tokens}

    return router
