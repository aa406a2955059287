"""`payment-sandbox`: a local stand-in for the payment gateway (VNPay / the national portal's
payment platform), port 8011, as notify's sandbox stands in for Zalo and SMS.

The citizen's browser opens the signed payment URL intake made; the page shows the order and a
"Thanh toán" button; paying gives a new transaction number, calls intake's IPN server to server
with signed parameters (HMAC-SHA512, adapters/vnpay.py) and redirects the browser to the
ReturnUrl. `GET /api/callbacks` lists what it sent, so tests can replay a callback.
Development and tests only: a deployment points INTAKE_PAYMENT_GATEWAY_URL at the real gateway."""

import itertools
from html import escape
from typing import Any
from urllib.parse import urlencode

import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic_settings import BaseSettings, SettingsConfigDict

from motcua_shared.ops.health import LIVENESS_PATH, liveness_router
from motcua_shared.ops.logs import configure_logging, quiet_access_log
from motcua_shared.vietnam.timeutil import to_vn, utcnow

from intake.adapters import vnpay
from intake.api.pages import page
from intake.domain.fees import format_vnd


class PaymentSandboxSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PAYMENT_SANDBOX_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8011
    secret: str = (
        "motcua-dev-sandbox-payment-secret"  # = INTAKE_PAYMENT_SECRET's development default
    )
    ipn_url: str = "http://127.0.0.1:8001/api/v1/payments/vnpay-ipn"
    log_level: str = "INFO"


def create_payment_sandbox(settings: PaymentSandboxSettings | None = None) -> FastAPI:
    settings = settings or PaymentSandboxSettings()
    app = FastAPI(title="motcua payment gateway sandbox", version="0.1.0")
    sent: list[dict[str, Any]] = []
    numbers = itertools.count(14000001)

    @app.get("/paymentv2/vpcpay.html", response_class=HTMLResponse)
    async def checkout(request: Request) -> HTMLResponse:
        params = dict(request.query_params)
        if not vnpay.verify(params, settings.secret):
            return page(
                "Cổng thanh toán (thử nghiệm)",
                '<p class="bad">Sai chữ ký yêu cầu thanh toán.</p>',
                400,
            )
        amount = int(params["vnp_Amount"]) // 100
        hidden = "".join(
            f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
            for k, v in params.items()
        )
        body = (
            f"<dl><dt>Nội dung</dt><dd>{escape(params.get('vnp_OrderInfo', ''))}</dd>"
            f"<dt>Số tiền</dt><dd>{format_vnd(amount)}</dd></dl>"
            f'<form method="post" action="/pay">{hidden}<button type="submit" '
            'id="pay">Thanh toán</button></form>'
        )
        return page("Cổng thanh toán (thử nghiệm)", body)

    @app.post("/pay")
    async def pay(request: Request) -> RedirectResponse:
        order = {k: str(v) for k, v in (await request.form()).items()}
        if not vnpay.verify(order, settings.secret):
            return RedirectResponse("/paymentv2/vpcpay.html", status_code=303)
        result = vnpay.signed(
            {
                "vnp_TmnCode": order["vnp_TmnCode"],
                "vnp_TxnRef": order["vnp_TxnRef"],
                "vnp_Amount": order["vnp_Amount"],
                "vnp_OrderInfo": order.get("vnp_OrderInfo", ""),
                "vnp_ResponseCode": "00",
                "vnp_TransactionStatus": "00",
                "vnp_TransactionNo": str(next(numbers)),
                "vnp_BankCode": "NCB",
                "vnp_PayDate": to_vn(utcnow()).strftime("%Y%m%d%H%M%S"),
            },
            settings.secret,
        )
        async with httpx.AsyncClient(timeout=10) as http:
            answer = await http.get(settings.ipn_url, params=result)
        sent.append({"params": result, "status": answer.status_code, "answer": answer.json()})
        return RedirectResponse(order["vnp_ReturnUrl"] + "?" + urlencode(result), status_code=303)

    @app.get("/api/callbacks")
    async def callbacks() -> dict[str, Any]:
        return {"callbacks": sent}

    app.include_router(liveness_router())
    quiet_access_log(frozenset({LIVENESS_PATH}))
    return app


def run() -> None:
    settings = PaymentSandboxSettings()
    configure_logging("payment-sandbox", settings.log_level)
    uvicorn.run(
        create_payment_sandbox(settings), host=settings.host, port=settings.port, log_config=None
    )


if __name__ == "__main__":
    run()
