"""Fees on the real broker and Mongo-wire server: never resolved unpaid, cash with a receipt,
an online link (fee_requested), the gateway's signed callback; forged, wrong-amount and replayed
callbacks refused with nothing stored; a second payment kept and flagged for refund."""

import json
from urllib.parse import parse_qsl, urlsplit

from intake.adapters import vnpay

SIGNATURE_CERT = "2.000884"  # 10.000 đ, due at receipt (demo catalogue)
EXTRACT_COPY = "2.000635"  # 8.000 đ, due at return


def callback(
    intake, payment_url: str, transaction: str, amount: int | None = None, **changes
) -> dict[str, str]:
    sent = dict(parse_qsl(urlsplit(payment_url).query))
    params = {
        "vnp_TmnCode": sent["vnp_TmnCode"],
        "vnp_TxnRef": sent["vnp_TxnRef"],
        "vnp_Amount": str(amount if amount is not None else int(sent["vnp_Amount"])),
        "vnp_ResponseCode": "00",
        "vnp_TransactionStatus": "00",
        "vnp_TransactionNo": transaction,
        "vnp_BankCode": "NCB",
        "vnp_PayDate": "20261201101010",
    } | changes
    return vnpay.signed(params, intake.settings.payment_secret)


async def ipn(intake, params: dict[str, str]) -> dict[str, str]:
    response = await intake.http.get("/api/v1/payments/vnpay-ipn", params=params)
    assert response.status_code == 200
    return response.json()


async def snapshot(intake, code: str):
    dossier = await intake.db.dossiers.find_one({"_id": code})
    return (
        dossier["version"],
        dossier["fee"],
        await intake.db.payments.count_documents({}),
        await intake.db.outbox.count_documents({}),
    )


async def test_a_fee_due_at_receipt_blocks_resolution_until_paid_in_cash(intake):
    code = (await intake.receive(SIGNATURE_CERT)).json()["code"]
    blocked = await intake.act(code, "resolve", body={"outcome": "approved"})
    assert blocked.status_code == 409 and "fee" in blocked.json()["message_en"]
    paid = await intake.act(code, "fee/cash", role="desk", body={"receipt_no": "BL-0001"})
    assert paid.status_code == 200 and paid.json()["fee"]["status"] == "paid"
    twice = await intake.act(code, "fee/cash", role="desk", body={"receipt_no": "BL-0002"})
    assert twice.status_code == 409
    assert (await intake.act(code, "resolve", body={"outcome": "approved"})).status_code == 200
    event = await intake.db.outbox.find_one(
        {"aggregate_id": code, "routing_key": "dossier.fee_paid"}
    )
    payload = json.loads(event["body"])["payload"]
    assert (payload["method"], payload["receipt_no"], payload["amount_vnd"]) == (
        "cash",
        "BL-0001",
        10000,
    )


async def test_a_waiver_needs_a_reason_and_lets_the_dossier_be_resolved(intake):
    code = (await intake.receive(SIGNATURE_CERT)).json()["code"]
    assert (await intake.act(code, "fee/waive", role="desk", body={})).status_code == 422
    assert (
        await intake.act(
            code, "fee/waive", role="desk", body={"reason": "Người có công với cách mạng"}
        )
    ).status_code == 200
    assert (await intake.act(code, "resolve", body={"outcome": "approved"})).status_code == 200


async def test_a_fee_due_at_return_blocks_the_return(intake):
    code = (await intake.receive(EXTRACT_COPY)).json()["code"]
    assert (await intake.act(code, "resolve", body={"outcome": "approved"})).status_code == 200
    assert (
        await intake.act(code, "return", role="desk", body={"method": "at_desk"})
    ).status_code == 409
    await intake.act(code, "fee/cash", role="desk", body={"receipt_no": "BL-9"})
    assert (
        await intake.act(code, "return", role="desk", body={"method": "at_desk"})
    ).status_code == 200


async def test_paid_online_once_whatever_the_gateway_sends(intake):
    code = (await intake.receive(SIGNATURE_CERT)).json()["code"]
    requested = await intake.act(code, "fee/online", role="desk")
    assert requested.status_code == 200
    url = requested.json()["fee"]["payment_url"]
    assert url.startswith(intake.settings.payment_gateway_url)
    event = await intake.db.outbox.find_one(
        {"aggregate_id": code, "routing_key": "dossier.fee_requested"}
    )
    link = json.loads(event["body"])["payload"]["payment_url"]  # the short link the citizen gets
    assert link == f"{intake.settings.public_url}/thanh-toan/{code}"
    redirect = await intake.http.get(link.removeprefix(intake.settings.public_url))
    assert redirect.status_code == 303 and redirect.headers["location"] == url
    assert vnpay.verify(dict(parse_qsl(urlsplit(url).query)), intake.settings.payment_secret)

    before = await snapshot(intake, code)
    forged = callback(intake, url, "T1") | {"vnp_Amount": "100"}  # changed after signing
    assert (await ipn(intake, forged))["RspCode"] == "97"
    assert (await ipn(intake, callback(intake, url, "T1", amount=100)))["RspCode"] == "04"
    other_secret = vnpay.signed(
        {k: v for k, v in callback(intake, url, "T1").items() if k != vnpay.HASH}, "x" * 32
    )
    assert (await ipn(intake, other_secret))["RspCode"] == "97"
    assert await snapshot(intake, code) == before  # refused: nothing stored

    good = callback(intake, url, "T1")
    assert await ipn(intake, good) == {"RspCode": "00", "Message": "Confirm Success"}
    after = await snapshot(intake, code)
    assert (
        after[1]["status"] == "paid"
        and after[1]["method"] == "online"
        and after[1]["gateway_transaction"] == "T1"
    )
    assert (await ipn(intake, good))["RspCode"] == "02"  # replayed
    assert await snapshot(intake, code) == after

    again = callback(intake, url, "T2")  # the citizen paid a second time
    assert (await ipn(intake, again))["RspCode"] == "00"
    payments = {p["_id"]: p["status"] for p in await intake.db.payments.find().to_list()}
    assert payments == {"T1": "recorded", "T2": "refund_due"}
    assert (
        await intake.db.outbox.count_documents(
            {"aggregate_id": code, "routing_key": "dossier.fee_paid"}
        )
        == 1
    )
    refunds = await intake.http.get(
        "/api/v1/payments", params={"status": "refund_due"}, headers=intake.auth("leader")
    )
    assert [p["transaction"] for p in refunds.json()["payments"]] == ["T2"]
    assert (await intake.act(code, "resolve", body={"outcome": "approved"})).status_code == 200
    settled = await intake.http.get(link.removeprefix(intake.settings.public_url))
    assert settled.status_code == 404  # nothing left to pay


async def test_a_failed_payment_records_nothing(intake):
    code = (await intake.receive(SIGNATURE_CERT)).json()["code"]
    url = (await intake.act(code, "fee/online", role="desk")).json()["fee"]["payment_url"]
    before = await snapshot(intake, code)
    declined = callback(intake, url, "T9", vnp_ResponseCode="24", vnp_TransactionStatus="02")
    assert (await ipn(intake, declined))["RspCode"] == "00"
    assert await snapshot(intake, code) == before


async def test_callbacks_arriving_at_once_still_record_one_payment(intake):
    import asyncio

    code = (await intake.receive(SIGNATURE_CERT)).json()["code"]
    url = (await intake.act(code, "fee/online", role="desk")).json()["fee"]["payment_url"]
    same = callback(intake, url, "C1")
    answers = await asyncio.gather(
        *(
            intake.http.get("/api/v1/payments/vnpay-ipn", params=p)
            for p in (same, same, callback(intake, url, "C2"))
        )
    )
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
    codes = sorted(a.json()["RspCode"] for a in answers)
    assert codes == ["00", "00", "02"]
    payments = sorted(p["status"] for p in await intake.db.payments.find().to_list())
    assert payments == ["recorded", "refund_due"]
    assert (
        await intake.db.outbox.count_documents(
            {"aggregate_id": code, "routing_key": "dossier.fee_paid"}
        )
        == 1
    )
