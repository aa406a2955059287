"""notify's HTTP surface: the opt-out endpoint's answers to bad input, the webhooks' checks, the
SMS gateway's delivery reports, and the desk's view of what was sent."""

import json

from motcua_shared.web.auth import mint_token

from notify.domain.zalo_events import zalo_signature


def _token(harness, roles, unit="26734"):
    return {
        "Authorization": "Bearer " + mint_token(harness.settings.jwt_secret, "u01", unit, roles)
    }


async def test_opt_out_refuses_bad_input_with_reasons(harness, clock):
    async with harness.notify(clock) as notify:
        url = notify.url + "/api/v1/opt-outs"
        anonymous = await harness.http.post(url, json={"phone": "0912345678"})
        specialist = await harness.http.post(
            url, json={"phone": "0912345678"}, headers=_token(harness, ["specialist"])
        )
        bad_phone = await harness.http.post(
            url, json={"phone": "12345"}, headers=_token(harness, ["desk"])
        )
        extra = await harness.http.post(
            url, json={"phone": "0912345678", "name": "x"}, headers=_token(harness, ["desk"])
        )
    assert anonymous.status_code == 401 and anonymous.json()["message_en"]
    assert specialist.status_code == 403
    assert bad_phone.status_code == 422
    [error] = bad_phone.json()["errors"]
    assert (
        error["field"] == "phone"
        and "Số điện thoại" in error["reason"]
        and "invalid phone" in error["reason_en"]
    )
    assert extra.status_code == 422 and extra.json()["errors"][0]["field"] == "name"
    assert await harness.db["opt_outs"].count_documents({}) == 0


async def test_webhooks_check_their_caller(harness, clock):
    body = json.dumps(
        {
            "app_id": "sandbox-app",
            "event_name": "user_received_message",
            "timestamp": "1",
            "message": {"msg_id": "m", "tracking_id": "t"},
        }
    )
    async with harness.notify(clock) as notify:
        forged = await harness.http.post(
            notify.url + "/api/v1/webhooks/zalo",
            content=body,
            headers={"X-ZEvent-Signature": "mac=forged"},
        )
        signed_other = json.dumps(
            {"app_id": "sandbox-app", "event_name": "follow", "timestamp": "2"}
        )
        other = await harness.http.post(
            notify.url + "/api/v1/webhooks/zalo",
            content=signed_other,
            headers={
                "X-ZEvent-Signature": zalo_signature(
                    "sandbox-app", signed_other, "2", harness.settings.zalo_oa_secret_key
                )
            },
        )
        no_token = await harness.http.post(
            notify.url + "/api/v1/webhooks/sms/delivery",
            json={"request_id": "x", "status": "delivered"},
        )
        unknown = await harness.http.post(
            notify.url + "/api/v1/webhooks/sms/delivery",
            params={"token": harness.settings.webhook_token},
            json={"request_id": "nope", "status": "delivered"},
        )
    assert forged.status_code == 401 and forged.json()["error"] == "bad_signature"
    assert other.json() == {"ok": True, "result": "ignored"}
    assert no_token.status_code == 401
    assert unknown.json()["result"] == "unknown"


async def test_webhook_credentials_with_non_ascii_characters_are_refused_not_a_crash(
    harness, clock
):
    body = json.dumps(
        {"app_id": "sandbox-app", "event_name": "user_received_message", "timestamp": "1"}
    )
    async with harness.notify(clock) as notify:
        zalo = await harness.http.post(
            notify.url + "/api/v1/webhooks/zalo",
            content=body,
            headers={"X-ZEvent-Signature": "mac=é".encode("latin-1")},
        )
        delivery = await harness.http.post(
            notify.url + "/api/v1/webhooks/sms/delivery",
            params={"token": "é"},
            json={"request_id": "x", "status": "delivered"},
        )
        utf16 = await harness.http.post(
            notify.url + "/api/v1/webhooks/zalo",
            content=body.encode("utf-16"),
            headers={"X-ZEvent-Signature": "mac=x"},
        )
        inbound = await harness.http.post(
            notify.url + "/api/v1/webhooks/sms/inbound",
            params={"token": "\x80"},
            json={"phone": "0912345678", "text": "STOP"},
        )
    assert (zalo.status_code, utf16.status_code, delivery.status_code, inbound.status_code) == (
        401,
        401,
        401,
        401,
    )
    assert delivery.json()["field"] == "token" and zalo.json()["error"] == "bad_signature"
    assert await harness.db["opt_outs"].count_documents({}) == 0


async def test_sms_delivery_reports_update_status_and_the_desk_sees_it(
    harness, clock, events, event_probe
):
    delivered = events.supplement("26734-251125-0301", contact=events.contact(channel="sms"))
    lost = events.apology(
        "26734-251125-0302", contact=events.contact(phone="0868123456", channel="sms")
    )
    async with harness.notify(clock) as notify:
        await harness.publish(delivered)
        await harness.publish(lost)
        first, second = sorted(await harness.wait_sandbox(2), key=lambda m: m["phone"])
        await harness.wait_status(lost, "sent")
        await harness.wait_status(delivered, "sent")
        await harness.sandbox_post(f"messages/{second['id']}/receipt")  # 84912…: the supplement
        await harness.sandbox_post(f"messages/{first['id']}/receipt", params={"delivered": "false"})
        await harness.wait_status(delivered, "delivered")
        failed = await harness.wait_status(lost, "failed")
        mine = await harness.http.get(
            notify.url + "/api/v1/dossiers/26734-251125-0301/messages",
            headers=_token(harness, ["desk"]),
        )
        other_unit = await harness.http.get(
            notify.url + "/api/v1/dossiers/26734-251125-0301/messages",
            headers=_token(harness, ["desk"], unit="31261"),
        )
        log = await harness.http.get(
            notify.url + "/api/v1/events", headers=_token(harness, ["system"])
        )
        await event_probe.wait_for(4)

    assert "not delivered" in failed["reason"]
    [view] = mine.json()["messages"]
    assert view["status"] == "delivered" and view["phone"] == "+84******678"
    assert view["kind"] == "supplement_in_processing" and "bo sung giay to" in view["sms_text"]
    assert (
        other_unit.status_code == 403 and other_unit.json()["error"] == "forbidden"
    )  # as every service answers
    kinds = sorted(e["event_type"] for e in log.json()["events"])
    assert kinds == [
        "notification.delivered",
        "notification.failed",
        "notification.sent",
        "notification.sent",
    ]
