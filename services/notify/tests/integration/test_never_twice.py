"""Never twice: a redelivered event, two consumers racing, and a service stopped in the middle
of a provider call, or between a batch's sends and their record, each end with at most one
message at the gateway."""

import uuid
from datetime import timedelta

from motcua_shared.contract.event_base import MessageChannel
from motcua_shared.storage.embedded_mongo import free_port
from motcua_shared.testing.plugin import eventually

from notify.adapters.message_documents import to_document
from notify.domain.message import Message, Status
from notify.domain.message_kinds import MessageKind
from notify.domain.rendering import render
from notify.domain.templates import TEMPLATES

from ..conftest import MORNING


async def test_a_redelivered_event_sends_one_message(harness, clock, events):
    envelope = events.received("26734-251125-0101")
    async with harness.notify(clock):
        for _ in range(3):
            await harness.publish(envelope)
        await harness.wait_status(envelope, "sent")
    assert await harness.queue_depth() == 0  # every copy was consumed and acked

    assert len(await harness.sandbox("attempts")) == 1
    assert await harness.db["messages"].count_documents({}) == 1


async def test_papers_supplied_at_the_desk_give_one_received_message(harness, clock, events):
    """At the desk, supplying the missing papers is the receipt: intake publishes
    dossier.supplement_supplied (stage desk) then dossier.received; the citizen hears of the
    receipt once, even when the broker redelivers both."""
    code = "26734-251125-0105"
    asked, supplied, received = (
        events.supplement(code, stage="desk"),
        events.supplied(code),
        events.received(code),
    )
    async with harness.notify(clock):
        for envelope in (asked, supplied, received, supplied, received):
            await harness.publish(envelope)
        await harness.wait_status(received, "sent")
        await harness.wait_status(asked, "sent")
    assert await harness.queue_depth() == 0

    kinds = sorted(
        [doc["kind"] async for doc in harness.db["messages"].find({"dossier_code": code})]
    )
    assert kinds == ["received", "supplement_at_desk"]
    assert len(await harness.sandbox("attempts")) == 2


async def test_two_consumers_racing_send_one_message(harness, clock, events):
    envelope = events.received("26734-251125-0102")
    async with harness.notify(clock), harness.notify(clock, port=free_port()):
        for _ in range(4):
            await harness.publish(envelope)
        await harness.wait_status(envelope, "sent")
    assert await harness.queue_depth() == 0

    assert len(await harness.sandbox("attempts")) == 1
    assert await harness.db["messages"].count_documents({}) == 1


async def test_stopped_during_the_zalo_call_never_resends(harness, clock, events, event_probe):
    """Zalo accepted, we stopped before recording its answer: the restarted service does not send
    again (at most once); Zalo's receipt, matched by tracking_id, still marks it delivered."""
    await harness.behave("84912345678", delay_seconds=1.0)
    envelope = events.received("26734-251125-0103")
    async with harness.notify(clock):
        await harness.publish(envelope)
        await harness.wait_sandbox(
            1, "attempts"
        )  # the request is at Zalo; we stop before the answer
    assert (await harness.message_for(envelope))["status"] == "sending"
    [accepted] = await harness.wait_sandbox(1)

    await harness.behave("84912345678")
    clock.advance(seconds=121)  # the dead dispatcher's claim has run out
    async with harness.notify(clock):
        await harness.publish(envelope)  # and the broker redelivers the event
        failed = await harness.wait_status(envelope, "failed")
        answer = await harness.sandbox_post(f"messages/{accepted['id']}/receipt")
        delivered = await harness.wait_status(envelope, "delivered")
    assert await harness.queue_depth() == 0

    assert len(await harness.sandbox("attempts")) == 1
    assert failed["reason"].startswith("outcome_unknown")
    assert answer["body"]["result"] == "delivered" and delivered["version"] == 2


async def test_stopped_during_the_sms_call_resends_with_the_same_request_id(harness, clock, events):
    """The SMS gateway ignores a repeated request_id, so resending after a crash is safe."""
    await harness.behave("84912345678", delay_seconds=1.0)
    envelope = events.received("26734-251125-0104", contact=events.contact(channel="sms"))
    async with harness.notify(clock):
        await harness.publish(envelope)
        await harness.wait_sandbox(1, "attempts")
    await harness.wait_sandbox(1)  # the gateway accepted it after we were gone

    clock.advance(seconds=121)
    async with harness.notify(clock):
        sent = await harness.wait_status(envelope, "sent")

    [sms] = await harness.sandbox("messages")
    assert len(await harness.sandbox("attempts")) == 1
    assert sent["provider_id"] == sms["provider_id"] and sms["reference"] == sent["_id"]


def stored_message(code: str, phone: str, channel: MessageChannel) -> dict:
    """A due message as the consumer stores it (the dispatcher's first pass claims them all)."""
    rendered = render(
        TEMPLATES[MessageKind.RECEIVED],
        {
            "code": code,
            "procedure": "Chứng thực bản sao từ bản chính",
            "unit": "UBND phường Bình Thạnh",
            "due": "30/11/2026",
            "lookup_url": f"http://127.0.0.1:8005/tra-cuu/{code}",
        },
    )
    message = Message(
        id=uuid.uuid4().hex,
        event_id=uuid.uuid4().hex,
        kind=MessageKind.RECEIVED,
        dossier_code=code,
        unit_code="26734",
        correlation_id=f"corr-{code}",
        phone=phone,
        preferred_channel=channel,
        rendered=rendered,
        status=Status.QUEUED,
        not_before=MORNING,
        created_at=MORNING,
        channel=channel,
    )
    return to_document(message, timedelta(days=90)) | {"dossier_seq": 1}


async def test_stopped_between_a_batchs_sends_and_their_record_never_resends(harness, clock):
    """A batch's outcomes are recorded together once its sends are done. Stopped when the
    gateway had accepted three of four and the fourth was still at Zalo: nothing of the batch was
    recorded; the restarted service sends none of the Zalo ones again (at most once: failed,
    outcome unknown) and resends the SMS one with its request_id (the gateway answers duplicate:
    exactly once)."""
    await harness.behave("84912345670", delay_seconds=1.5)  # holds the batch open
    docs = [
        stored_message("26734-251125-0200", "+84912345670", MessageChannel.ZALO),
        stored_message("26734-251125-0201", "+84912345671", MessageChannel.ZALO),
        stored_message("26734-251125-0202", "+84912345672", MessageChannel.ZALO),
        stored_message("26734-251125-0203", "+84912345673", MessageChannel.SMS),
    ]
    await harness.db["messages"].insert_many(docs)
    async with harness.notify(clock):
        await harness.wait_sandbox(4, "attempts")
        await harness.wait_sandbox(3)  # the gateway accepted three; the slow one is still there
    statuses = {d["_id"]: d["status"] async for d in harness.db["messages"].find({}, {"status": 1})}
    assert set(statuses.values()) == {"sending"}  # none recorded: the batch had not finished
    accepted = {m["reference"]: m for m in await harness.wait_sandbox(4)}

    clock.advance(seconds=121)  # the dead dispatcher's claims have run out
    async with harness.notify(clock):

        async def settled():
            found = await harness.db["messages"].find({}).to_list(None)
            return found if all(d["status"] in ("sent", "failed") for d in found) else None

        final = {d["_id"]: d for d in await eventually(settled)}

    assert len(await harness.sandbox("attempts")) == 4  # nobody got a second message
    for doc in docs[:3]:
        assert final[doc["_id"]]["status"] == "failed"
        assert final[doc["_id"]]["reason"].startswith("outcome_unknown")
    sms = final[docs[3]["_id"]]
    assert sms["status"] == "sent" and sms["provider_id"] == accepted[docs[3]["_id"]]["provider_id"]
    events = [doc async for doc in harness.db["outbox"].find({}, {"routing_key": 1})]
    assert sorted(e["routing_key"] for e in events) == ["notification.failed"] * 3 + [
        "notification.sent"
    ]
