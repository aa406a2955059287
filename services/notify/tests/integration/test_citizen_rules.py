"""What the citizen gets and when: quiet hours, consent and opt-outs, letters without surveys."""

from datetime import UTC, datetime

from motcua_shared.contract.envelope import parse_envelope
from motcua_shared.web.auth import mint_token

NIGHT = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)  # 22:30 in Hà Nội
NEXT_MORNING = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)  # 07:00 in Hà Nội


async def test_quiet_hours_hold_messages_until_the_morning(harness, clock, events):
    clock.now = NIGHT
    envelope = events.received("26734-251125-0201")
    async with harness.notify(clock):
        await harness.publish(envelope)
        held = await harness.wait_status(envelope, "queued")
        clock.now = NEXT_MORNING
        sent = await harness.wait_status(envelope, "sent")

    assert held["not_before"] == NEXT_MORNING
    steps = await harness.db["message_history"].find({"message_id": sent["_id"]}).to_list(None)
    assert sent["history"][0]["at"] == NIGHT  # made at night (its creation stays on the message)
    assert [s["at"] for s in steps] == [NEXT_MORNING]  # it went out in the morning, not at night
    assert len(await harness.sandbox("attempts")) == 1


async def test_desk_opt_out_is_respected_and_stores_no_phone(harness, clock, events, event_probe):
    desk = mint_token(harness.settings.jwt_secret, "desk01", "26734", ["desk"])
    envelope = events.received("26734-251125-0202", contact=events.contact(phone="0389 123 456"))
    async with harness.notify(clock) as notify:
        url = notify.url + "/api/v1/opt-outs"
        auth = {"Authorization": f"Bearer {desk}"}
        first = await harness.http.post(
            url, json={"phone": "01689123456"}, headers=auth
        )  # the old number
        again = await harness.http.post(url, json={"phone": "+84 389 123 456"}, headers=auth)
        await harness.publish(envelope)
        message = await harness.wait_status(envelope, "failed")
        published = [parse_envelope(m.body) for m in await event_probe.wait_for(2)]

    assert first.status_code == 201 and first.json() == {
        "phone": "+84******456",
        "opted_out": True,
        "created": True,
    }
    assert again.status_code == 200 and again.json()["created"] is False
    assert message["reason"].startswith("opted_out")
    assert await harness.sandbox("attempts") == []
    assert any(e.event_type == "notification.failed" for e in published)
    [stored] = await harness.db["opt_outs"].find().to_list()
    assert "389123456" not in str(stored) and len(stored["_id"]) == 64


async def test_stop_answer_stops_a_message_waiting_for_the_morning(harness, clock, events):
    clock.now = NIGHT
    envelope = events.received("26734-251125-0203", contact=events.contact(phone="0987654321"))
    async with harness.notify(clock):
        await harness.publish(envelope)
        await harness.wait_status(envelope, "queued")
        answer = await harness.sandbox_post(
            "inbound", json={"phone": "84987654321", "text": "Stop"}
        )
        clock.now = NEXT_MORNING
        message = await harness.wait_status(envelope, "failed")

    assert answer["body"]["result"] == "opted_out"
    assert message["reason"].startswith("opted_out")
    assert await harness.sandbox("attempts") == []


async def test_no_consent_no_phone_and_invalid_phone(harness, clock, events):
    silent = events.received("26734-251125-0204", contact=events.contact(consent=False))
    no_phone = events.received("26734-251125-0205", contact=events.contact(phone=None))
    invalid = events.received(
        "26734-251125-0206", contact=events.contact(phone="024 3825 1234")
    )  # landline
    async with harness.notify(clock):
        for envelope in (silent, no_phone, invalid):
            await harness.publish(envelope)
        failed = await harness.wait_status(invalid, "failed")
    assert await harness.queue_depth() == 0

    assert failed["reason"].startswith("invalid_phone") and failed["phone"] is None
    assert await harness.db["messages"].count_documents({}) == 1
    assert await harness.sandbox("attempts") == []


async def test_condolences_never_come_with_a_survey(harness, clock, events):
    death, birth = "26734-251125-0207", "26734-251125-0208"
    async with harness.notify(clock):
        for code, civil in ((death, "death"), (birth, "birth")):
            await harness.publish(events.returned(code, civil=civil))
            await harness.publish(events.survey_opened(code))
        await harness.wait_sandbox(3)
    assert await harness.queue_depth() == 0

    texts = [m["text"] for m in await harness.sandbox("messages")]
    assert len(texts) == 3
    condolence = next(t for t in texts if "chia buồn" in t)
    assert death in condolence and "http" not in condolence
    assert not any(
        word in condolence.lower() for word in ("khảo sát", "hài lòng", "đánh giá", "cảm ơn")
    )
    assert any("chúc mừng" in t and birth in t for t in texts)
    surveys = [t for t in texts if "hài lòng" in t]
    assert len(surveys) == 1 and birth in surveys[0] and death not in surveys[0]
