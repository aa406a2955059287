"""The payment sandbox's checkout: it shows only an order intake signed, with the amount as a
citizen reads it (paying itself, with the callback to intake, runs in tests/e2e)."""

from datetime import UTC, datetime

import httpx

from intake.adapters import vnpay
from intake.payment_sandbox.main import PaymentSandboxSettings, create_payment_sandbox

SECRET = "s" * 32


async def test_the_checkout_shows_a_signed_order_and_refuses_a_forged_one():
    app = create_payment_sandbox(PaymentSandboxSettings(secret=SECRET))
    params = vnpay.payment_params(
        tmn_code="MOTCUA01",
        txn_ref="26734-261201-0001.2",
        amount_vnd=10000,
        order_info="Thanh toan phi ho so 26734-261201-0001",
        return_url="http://127.0.0.1:8001/thanh-toan/ket-qua",
        at=datetime(2026, 12, 1, 3, tzinfo=UTC),
        secret=SECRET,
    )
    assert params["vnp_Amount"] == "1000000" and params["vnp_CreateDate"] == "20261201100000"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://sandbox"
    ) as http:
        page = await http.get("/paymentv2/vpcpay.html", params=params)
        assert page.status_code == 200 and "10.000 đ" in page.text and 'id="pay"' in page.text
        forged = await http.get("/paymentv2/vpcpay.html", params=params | {"vnp_Amount": "100"})
        assert forged.status_code == 400
        assert (await http.get("/api/callbacks")).json() == {"callbacks": []}
