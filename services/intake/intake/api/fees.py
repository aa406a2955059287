"""The fee: the desk records cash (receipt number), sends an online payment link, or waives it
with a reason; the gateway's server-to-server callback (IPN) and the page it sends the citizen
back to; the unit's payments (refunds due among them). Rules in app/fees.py."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import Field

from intake.api.deps import DESK, AppDep, PrincipalDep, actor_dep
from intake.api.dossiers import CodePath
from intake.api.pages import page
from intake.api.schemas import Strict, Text
from intake.api.views import officer_view
from intake.app import fees
from intake.app.context import Actor
from intake.domain.fees import FeeStatus, format_vnd


class CashPaymentRequest(Strict):
    receipt_no: Annotated[
        str,
        Field(
            min_length=1,
            max_length=64,
            pattern=r"^[A-Za-z0-9./\-]+$",
            description="Số biên lai / receipt number",
        ),
    ]


class WaiveFeeRequest(Strict):
    reason: Text


def fees_router(principal: PrincipalDep) -> APIRouter:
    router = APIRouter(tags=["fees / phí, lệ phí"])
    desk = actor_dep(principal, DESK)
    managers = actor_dep(principal, ("leader", "admin"))

    @router.post(
        "/api/v1/dossiers/{code}/fee/cash",
        summary="Thu tiền mặt / the fee paid in cash at the desk",
    )
    async def cash(
        code: CodePath, body: CashPaymentRequest, app: AppDep, actor: Actor = desk
    ) -> dict[str, Any]:
        return officer_view(await fees.pay_cash(app, actor, code, body.receipt_no))

    @router.post(
        "/api/v1/dossiers/{code}/fee/online",
        summary="Gửi đường dẫn thanh toán / send a payment link",
        description="Publishes dossier.fee_requested; notify sends the link by Zalo or SMS.",
    )
    async def online(code: CodePath, app: AppDep, actor: Actor = desk) -> dict[str, Any]:
        return officer_view(await fees.request_online(app, actor, code))

    @router.post(
        "/api/v1/dossiers/{code}/fee/waive",
        summary="Miễn phí, lệ phí / waive the fee, with the reason",
    )
    async def waive(
        code: CodePath, body: WaiveFeeRequest, app: AppDep, actor: Actor = desk
    ) -> dict[str, Any]:
        return officer_view(await fees.waive(app, actor, code, body.reason))

    @router.get(
        "/api/v1/payments",
        summary="Các khoản thanh toán trực tuyến / the unit's online payments",
        description="`status=refund_due`: payments received for a fee already settled, to refund.",
    )
    async def payments(
        app: AppDep,
        status: Annotated[str | None, Query(pattern="^(recorded|refund_due)$")] = None,
        actor: Actor = managers,
    ) -> dict[str, Any]:
        assert app.digitisation is not None
        rows = await app.digitisation.payments.list(actor.unit_code, status)
        return {"payments": [r | {"at": r["at"].isoformat()} for r in rows]}

    @router.get(
        "/api/v1/payments/vnpay-ipn",
        summary="Cổng thanh toán báo kết quả / the gateway's callback (IPN)",
        description="Signed (HMAC-SHA512). Answers VNPay's codes: 00 recorded, 01 unknown "
        "order, 02 already "
        "received (replay), 04 wrong amount, 97 bad signature. "
        "Refusals are logged, nothing stored.",
    )
    async def ipn(request: Request, app: AppDep) -> dict[str, str]:
        answer = await fees.gateway_callback(app, dict(request.query_params))
        return {"RspCode": answer.code, "Message": answer.message}

    @router.get("/thanh-toan/ket-qua", response_class=HTMLResponse, include_in_schema=False)
    async def returned_from_gateway(request: Request, app: AppDep) -> HTMLResponse:
        # The page the citizen's browser comes back to. It only shows the dossier's state: the
        # callback, not this redirect, records a payment.
        assert app.digitisation is not None
        params = dict(request.query_params)
        code = params.get("vnp_TxnRef", "").rpartition(".")[0]
        dossier = (
            await app.dossiers.get(code)
            if app.digitisation.gateway.verify(params) and code
            else None
        )
        if dossier is None or dossier.fee is None:
            return page("Thanh toán", "<p>Không xác định được giao dịch.</p>", status=400)
        paid = dossier.fee.status is FeeStatus.PAID
        text = (
            f"Hồ sơ <b>{code}</b>: đã nhận {format_vnd(dossier.fee.amount_vnd)}."
            if paid
            else f"Hồ sơ <b>{code}</b>: chưa ghi nhận thanh toán. Nếu Ông/Bà đã thanh "
            "toán, vui lòng đợi ít phút."
        )
        return page("Kết quả thanh toán", f"<p>{text}</p>")

    @router.get("/thanh-toan/{code}", include_in_schema=False)
    async def pay_link(code: CodePath, app: AppDep) -> Response:
        # The short link of the citizen's Zalo / SMS message.
        target = await fees.payment_redirect(app, code)
        if target is None:
            return page("Thanh toán", "<p>Hồ sơ không có khoản phí chờ thanh toán.</p>", status=404)
        return RedirectResponse(target, status_code=303)

    return router
