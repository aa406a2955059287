"""Verification of a slip or result by its QR token, without login: JSON
`GET /api/v1/public/verify/{token}` and the page `GET /xac-minh/{token}` the QR code opens.
Valid → 200 with code, procedure, unit, date issued, status, initials; unknown (well signed,
no such document) → 404; tampered → 400. Officers get a dossier's tokens to print them."""

from html import escape
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, JSONResponse

from intake.api.deps import OFFICERS, AppDep, PrincipalDep, actor_dep, services
from intake.api.dossiers import CodePath
from intake.api.pages import page
from intake.api.views import STATUS_VI
from intake.app.apply_action import read_dossier
from intake.app.context import Actor
from intake.app.verification import tokens_for, verify

TokenPath = Annotated[
    str, Path(min_length=1, max_length=300, description="Mã xác minh / verification token")
]

_ANSWERS = {
    "unknown": (
        404,
        "unknown_document",
        "Mã xác minh hợp lệ nhưng không có giấy tờ nào tương ứng",
        "Well signed, but no such document exists here",
    ),
    "tampered": (
        400,
        "tampered_token",
        "Mã xác minh không đúng chữ ký: giấy tờ có thể bị sửa hoặc giả mạo",
        "The token's signature does not match: the document may be altered or forged",
    ),
}
_KIND_VI = {
    "slip": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "result": "Kết quả giải quyết thủ tục hành chính",
}


def verify_router(principal: PrincipalDep) -> APIRouter:
    router = APIRouter(tags=["verification / xác minh"])

    @router.get(
        "/api/v1/public/verify/{token}", summary="Xác minh giấy tờ / verify a slip or result"
    )
    async def verify_json(token: TokenPath, app: AppDep) -> Any:
        result = await verify(app, token)
        if result.outcome != "valid":
            status, error, vi, en = _ANSWERS[result.outcome]
            return JSONResponse(
                {
                    "error": error,
                    "message": vi,
                    "message_en": en,
                    "field": "token",
                    "outcome": result.outcome,
                },
                status_code=status,
            )
        return {"outcome": "valid"} | (result.facts or {})

    @router.get("/xac-minh/{token}", response_class=HTMLResponse, include_in_schema=False)
    async def verify_page(token: TokenPath, app: AppDep) -> HTMLResponse:
        result = await verify(app, token)
        if result.outcome != "valid":
            status, _, vi, _ = _ANSWERS[result.outcome]
            css = "bad" if result.outcome == "tampered" else "warn"
            return page(
                "Xác minh giấy tờ", f'<p class="{css}"><b>{escape(vi)}.</b></p>', status=status
            )
        f = result.facts or {}
        rows = [
            ("Loại giấy tờ", _KIND_VI[f["kind"]]),
            ("Mã hồ sơ", f["code"]),
            ("Thủ tục", f["procedure"]),
            ("Cơ quan", f["unit"]),
            ("Ngày cấp", f["issued_on"]),
            ("Trạng thái", STATUS_VI.get(f["status"], f["status"])),
            ("Người nộp", f["citizen_initials"]),
        ]
        items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
        return page(
            "Xác minh giấy tờ",
            f'<p class="ok"><b>Giấy tờ hợp lệ</b>, do hệ thống một cửa cấp.</p><dl>{items}</dl>',
        )

    @router.get(
        "/api/v1/verifications",
        summary="Số lượt xác minh / verifications counted, per day and outcome",
    )
    async def counted(
        app: AppDep, actor: Actor = actor_dep(principal, ("leader", "admin"))
    ) -> dict[str, Any]:
        assert app.digitisation is not None
        rows = await app.digitisation.verifications.totals()
        return {"verifications": sorted(rows, key=lambda r: (r["day"], r["outcome"]))}

    @router.get(
        "/api/v1/dossiers/{code}/verification",
        summary="Mã QR xác minh / the dossier's verification tokens",
    )
    async def tokens(
        request: Request, code: CodePath, app: AppDep, actor: Actor = actor_dep(principal, OFFICERS)
    ) -> dict[str, Any]:
        dossier = await read_dossier(app, actor, code)
        return {"code": code} | tokens_for(app, dossier, services(request).settings.public_url)

    return router
