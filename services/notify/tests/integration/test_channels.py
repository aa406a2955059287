"""Zalo first, SMS when needed: against the real sandbox gateway (HTTP), the real broker and the
Mongo-wire server, notify started through its own wiring."""

import logging
from datetime import timedelta

from motcua_shared.contract.envelope import parse_envelope

from notify.domain.sms_text import to_sms_text


async def test_zalo_success_sends_the_template_and_publishes_sent(
    harness, clock, events, event_probe, caplog
):
    caplog.set_level(logging.INFO)
    envelope = events.received("26734-251125-0001")
    async with harness.notify(clock):
        await harness.publish(envelope)
        [zns] = await harness.wait_sandbox(1)
        message = await harness.wait_status(envelope, "sent")
        sent = [parse_envelope(m.body) for m in await event_probe.wait_for(2)]

    assert zns["channel"] == "zalo" and zns["phone"] == "84912345678"
    assert zns["template_id"] == "400101" and zns["reference"] == message["_id"]  # tracking_id
    assert zns["template_data"]["ma_ho_so"] == "26734-251125-0001"
    assert zns["template_data"]["ngay_hen"] == "30/11/2026"
    assert "http://127.0.0.1:8005/tra-cuu/26734-251125-0001" in zns["text"]
    assert message["channel"] == "zalo" and message["provider_id"] == zns["provider_id"]
    notification = next(e for e in sent if e.event_type == "notification.sent")
    assert notification.aggregate_id == message["_id"] and notification.aggregate_version == 1
    assert notification.correlation_id == "corr-26734-251125-0001"
    assert notification.payload.kind == "received" and notification.payload.channel == "zalo"
    assert "912345678" not in notification.model_dump_json()  # no phone in events
    assert message["expires_at"] == message["created_at"] + timedelta(
        days=90
    )  # the message log's TTL
    indexes = await harness.db["messages"].index_information()
    assert indexes["expires_at_1"]["expireAfterSeconds"] == 0
    logged = [r.getMessage() for r in caplog.records]
    assert any("+84******678" in line for line in logged)
    assert not any("912345678" in line for line in logged)  # masked in every log line


async def test_no_zalo_account_falls_back_to_sms(harness, clock, events):
    await harness.behave("84912345678", zalo_error=-118)
    envelope = events.received(
        "26734-251125-0002", procedure="Đăng ký khai sinh cho trẻ em đủ điều kiện"
    )
    async with harness.notify(clock):
        await harness.publish(envelope)
        [sms] = await harness.wait_sandbox(1)
        message = await harness.wait_status(envelope, "sent")
    attempts = await harness.sandbox("attempts")

    assert [a["channel"] for a in attempts] == ["zalo", "sms"]
    assert attempts[0]["answer"] == "error -118"
    assert sms["channel"] == "sms" and sms["brandname"] == "MOTCUA" and sms["sms_parts"] == 1
    assert sms["text"] == to_sms_text(sms["text"]) and "Dang ky khai sinh" in sms["text"]
    assert message["channel"] == "sms" and message["zalo_attempts"] == 1


async def test_transient_errors_are_retried_with_backoff_then_delivered(
    harness, clock, events, event_probe
):
    await harness.behave("84912345678", zalo_http_errors=2)
    envelope = events.received("26734-251125-0003")
    async with harness.notify(clock):
        await harness.publish(envelope)
        await harness.wait_sandbox(1, "attempts")
        queued = await harness.wait_status(envelope, "queued")
        assert queued["zalo_attempts"] == 1 and queued["not_before"] > clock()  # waits its backoff
        clock.advance(seconds=31)
        await harness.wait_sandbox(2, "attempts")
        clock.advance(seconds=61)
        [zns] = await harness.wait_sandbox(1)
        await harness.wait_status(envelope, "sent")
        answer = await harness.sandbox_post(f"messages/{zns['id']}/receipt")
        message = await harness.wait_status(envelope, "delivered")
        published = [parse_envelope(m.body) for m in await event_probe.wait_for(3)]

    assert answer["body"]["result"] == "delivered"
    assert [a["answer"] for a in await harness.sandbox("attempts")] == [
        "http 503",
        "http 503",
        "error 0",
    ]
    assert message["zalo_attempts"] == 3 and message["version"] == 2
    mine = [e for e in published if e.aggregate_id == message["_id"]]
    assert [(e.event_type, e.aggregate_version) for e in mine] == [
        ("notification.sent", 1),
        ("notification.delivered", 2),
    ]


async def test_permanent_errors_are_not_retried(harness, clock, events, event_probe):
    await harness.behave("84912345678", zalo_error=-109, sms_refuse="brandname_not_registered")
    envelope = events.received("26734-251125-0004")
    async with harness.notify(clock):
        await harness.publish(envelope)
        message = await harness.wait_status(envelope, "failed")
        clock.advance(hours=3)  # any backoff would be over by now
        failed = [parse_envelope(m.body) for m in await event_probe.wait_for(2)]
        attempts = await harness.sandbox("attempts")

    assert [(a["channel"], a["answer"]) for a in attempts] == [
        ("zalo", "error -109"),
        ("sms", "http 400 brandname_not_registered"),
    ]
    assert "brandname_not_registered" in message["reason"]
    assert any(
        e.event_type == "notification.failed" and e.payload.message_id == message["_id"]
        for e in failed
    )


async def test_access_token_is_refreshed_when_expired_and_when_rejected(harness, clock, events):
    async with harness.notify(clock):
        await harness.publish(events.received("26734-251125-0005"))
        await harness.wait_sandbox(1)
        clock.advance(seconds=90000)  # the token's expires_in has passed: refreshed before sending
        await harness.publish(events.received("26734-251125-0006"))
        await harness.wait_sandbox(2)
        await harness.sandbox_post(
            "zalo/revoke-tokens"
        )  # Zalo now answers -124: refreshed, sent again
        await harness.publish(events.received("26734-251125-0007"))
        await harness.wait_sandbox(3)

    refreshes = await harness.sandbox("oauth-requests")
    assert len(refreshes) == 3
    assert all(
        r == {"app_id": "sandbox-app", "grant_type": "refresh_token", "secret_key_ok": "True"}
        for r in refreshes
    )
    answers = [a["answer"] for a in await harness.sandbox("attempts")]
    assert answers == ["error 0", "error 0", "error -124", "error 0"]
