"""The use cases around in-memory fakes of our ports: accepting events once, Zalo-then-SMS with
retries, quiet hours and opt-outs at send time, stale claims, early receipts."""

from datetime import UTC, datetime, timedelta

from motcua_shared.contract.event_base import MessageChannel

from notify.domain.delivery_policy import Outcome
from notify.domain.message import Status
from notify.domain.phone import phone_key

T = Outcome.TRANSIENT


async def test_an_event_makes_one_message_however_often_it_comes(world, events):
    envelope = events.received("D-1")
    for _ in range(3):
        await world.accept(envelope)
    message = world.only_message()
    assert message.status == Status.QUEUED and message.phone == "+84912345678"
    assert message.rendered.zns_data["ma_ho_so"] == "D-1"


async def test_unusable_messages_are_recorded_failed_with_their_event(world, events):
    await world.accept(events.received("D-2", contact=events.contact(phone="12345")))
    long_link = events.survey_opened("D-3")
    long_link = long_link.model_copy(
        update={
            "payload": long_link.payload.model_copy(
                update={"survey_url": "https://khao-sat.example.vn/" + "x" * 150}
            )
        }
    )
    await world.accept(long_link)
    reasons = sorted(m.reason.split(":")[0] for m in world.messages())
    assert reasons == ["invalid_phone", "too_long"]
    assert world.event_types() == ["notification.failed"] * 2
    assert all(e.aggregate_version == 1 for e in world.store.events)


async def test_zalo_keeps_failing_then_sms(world, events):
    world.zalo.outcomes = [T]
    await world.accept(events.received("D-4"))
    await world.dispatcher.run_once()
    message = world.only_message()
    assert len(world.zalo.calls) == 3 and len(world.sms.calls) == 1
    assert message.status == Status.SENT and message.channel == MessageChannel.SMS
    assert world.event_types() == ["notification.sent"]


async def test_preferred_sms_never_uses_zalo_and_sms_failures_end_it(world, events):
    world.sms.outcomes = [T]
    await world.accept(events.received("D-5", contact=events.contact(channel="sms")))
    await world.dispatcher.run_once()
    message = world.only_message()
    assert world.zalo.calls == [] and len(world.sms.calls) == 2
    assert message.status == Status.FAILED and "kept failing" in message.reason


async def test_quiet_hours_and_opt_outs_are_checked_again_at_send_time(world, events, clock):
    clock.now = datetime(2026, 11, 25, 13, 59, tzinfo=UTC)  # 20:59 in Hà Nội
    await world.accept(events.received("D-6"))
    clock.advance(minutes=30)
    await world.dispatcher.run_once()
    held = world.only_message()
    assert world.zalo.calls == [] and held.status == Status.QUEUED
    assert held.not_before == datetime(2026, 11, 26, 0, 0, tzinfo=UTC)

    world.opt_outs.keys.add(phone_key("+84912345678", "unit-test-key"))
    clock.now = held.not_before
    await world.dispatcher.run_once()
    assert world.zalo.calls == [] and world.only_message().reason.startswith("opted_out")


async def test_a_claim_left_by_a_dead_dispatcher(world, events, clock):
    await world.accept(events.received("D-7"))
    await world.accept(
        events.received("D-8", contact=events.contact(phone="0868123456", channel="sms"))
    )
    # a dispatcher claims both, then dies before calling back
    assert (
        len(await world.store.claim_due(clock(), clock() + timedelta(seconds=120), "dead", 10)) == 2
    )
    await world.dispatcher.run_once()
    assert world.zalo.calls == world.sms.calls == []  # leases still running: nobody touches them

    clock.advance(seconds=121)
    await world.dispatcher.run_once()
    by_channel = {m.channel: m for m in world.messages()}
    assert by_channel[MessageChannel.ZALO].status == Status.FAILED
    assert (
        by_channel[MessageChannel.ZALO].reason.startswith("outcome_unknown")
        and world.zalo.calls == []
    )
    assert by_channel[MessageChannel.SMS].status == Status.SENT and len(world.sms.calls) == 1


async def test_a_receipt_that_overtakes_the_answer(world, events):
    async def webhook_arrives(message):
        assert (
            await world.receipts(message_id=message.id, provider_id=None, delivered=True) == "noted"
        )

    world.zalo.during_send = webhook_arrives
    await world.accept(events.received("D-9"))
    await world.dispatcher.run_once()
    message = world.only_message()
    assert message.status == Status.DELIVERED and message.version == 2
    assert [(e.event_type, e.aggregate_version) for e in world.store.events] == [
        ("notification.sent", 1),
        ("notification.delivered", 2),
    ]
    assert (
        await world.receipts(message_id=message.id, provider_id=None, delivered=True) == "duplicate"
    )


async def test_a_client_that_raises_leaves_the_message_queued_for_a_retry(world, events):
    async def broken(message):
        raise RuntimeError("surprise")

    world.zalo.during_send = broken
    await world.accept(events.received("D-10"))
    await world.dispatcher.run_once()
    message = world.only_message()
    assert (
        message.status == Status.SENT and message.channel == MessageChannel.SMS
    )  # Zalo kept failing
    assert (
        message.zalo_attempts == 3
        and message.history[0]["detail"] == "zalo client error: RuntimeError"
    )


async def test_a_survey_made_before_the_death_was_known_is_not_sent(world, events):
    await world.accept(
        events.survey_opened("D-11")
    )  # handled before the returned result (reordered)
    await world.accept(events.returned("D-11", civil="death"))
    await world.dispatcher.run_once()
    survey = next(m for m in world.messages() if m.kind == "survey_opened")
    assert survey.status == Status.FAILED and "death registration" in survey.reason
    assert [m.kind for m in world.messages() if m.status == Status.SENT] == ["condolences"]
