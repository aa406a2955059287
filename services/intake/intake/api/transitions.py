"""Lifecycle actions on a dossier: `POST /api/v1/dossiers/{code}/<action>`. Each is checked
by the state machine (409 with the current status if illegal), stored with the officer and
time, and published as an event through the outbox."""

from typing import Annotated, Any

from fastapi import APIRouter, Path

from intake.api.deps import DESK, HANDLERS, PROCESSING, AppDep, PrincipalDep, actor_dep
from intake.api.dossiers import CodePath
from intake.api.schemas import (
    ApologiseRequest,
    HandOverRequest,
    HomeVisitRequest,
    RequestSupplementRequest,
    ResolveRequest,
    ReturnRequest,
    WithdrawRequest,
)
from intake.api.views import officer_view
from intake.app import closing, home_visits, processing, resolve, supplements
from intake.app.context import Actor

AgencyPath = Annotated[
    str, Path(pattern=r"^[a-z0-9-]{1,32}$", description="e.g. tu-phap, cong-an, bhxh")
]


def transitions_router(principal: PrincipalDep) -> APIRouter:
    router = APIRouter(prefix="/api/v1/dossiers/{code}", tags=["lifecycle / quy trình"])
    desk = actor_dep(principal, DESK)
    processor = actor_dep(principal, PROCESSING)
    handler = actor_dep(principal, HANDLERS)

    @router.post("/supply-papers", summary="Nhận giấy tờ bổ sung / the citizen supplied the papers")
    async def supply(code: CodePath, app: AppDep, actor: Actor = desk) -> dict[str, Any]:
        return officer_view(await supplements.supply_papers(app, actor, code))

    @router.post("/hand-over", summary="Chuyển hồ sơ / hand over (Phiếu kiểm soát quá trình)")
    async def hand_over(
        code: CodePath, body: HandOverRequest, app: AppDep, actor: Actor = handler
    ) -> dict[str, Any]:
        return officer_view(
            await processing.hand_over(app, actor, code, body.to_officer_id, body.step, body.note)
        )

    @router.post("/request-supplement", summary="Yêu cầu bổ sung hồ sơ / request a supplement")
    async def request_supplement(
        code: CodePath, body: RequestSupplementRequest, app: AppDep, actor: Actor = processor
    ) -> dict[str, Any]:
        return officer_view(
            await supplements.request_supplement(
                app, actor, code, list(body.missing_papers), body.reason
            )
        )

    @router.post("/resolve", summary="Có kết quả / resolve: approved, or refused with a reason")
    async def resolve_dossier(
        code: CodePath, body: ResolveRequest, app: AppDep, actor: Actor = processor
    ) -> dict[str, Any]:
        return officer_view(await resolve.resolve(app, actor, code, body.outcome, body.reason))

    @router.post(
        "/tasks/{agency}/resolve",
        summary="Cơ quan liên thông có kết quả / a linked agency resolves its task",
    )
    async def resolve_task(
        code: CodePath,
        agency: AgencyPath,
        body: ResolveRequest,
        app: AppDep,
        actor: Actor = processor,
    ) -> dict[str, Any]:
        return officer_view(
            await resolve.resolve_task(app, actor, code, agency, body.outcome, body.reason)
        )

    @router.post("/apologise", summary="Xin lỗi và hẹn lại / apology with a new due date")
    async def apologise(
        code: CodePath, body: ApologiseRequest, app: AppDep, actor: Actor = processor
    ) -> dict[str, Any]:
        return officer_view(
            await processing.apologise(app, actor, code, body.new_due_date, body.reason)
        )

    @router.post("/return", summary="Trả kết quả / return the result (at the desk or at home)")
    async def return_result(
        code: CodePath, body: ReturnRequest, app: AppDep, actor: Actor = desk
    ) -> dict[str, Any]:
        return officer_view(await closing.return_result(app, actor, code, body.method))

    @router.post("/withdraw", summary="Rút hồ sơ / the citizen withdraws the dossier")
    async def withdraw(
        code: CodePath, body: WithdrawRequest, app: AppDep, actor: Actor = desk
    ) -> dict[str, Any]:
        return officer_view(await closing.withdraw(app, actor, code, body.reason))

    @router.post("/home-visit", summary="Hẹn đến tận nhà / schedule a home visit")
    async def home_visit(
        code: CodePath, body: HomeVisitRequest, app: AppDep, actor: Actor = desk
    ) -> dict[str, Any]:
        return officer_view(
            await home_visits.schedule_home_visit(app, actor, code, body.urgent, body.purpose)
        )

    return router
