"""Never twice: a redelivered event, two consumers racing, and a service stopped in the middle
of a provider call each end with exactly one message at the gateway."""

from motcua_shared.storage.embedded_mongo import free_port


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
    asked, supplied, received = events.supplement(code, stage="desk"), events.supplied(code), events.received(code)
    async with harness.notify(clock):
        for envelope in (asked, supplied, received, supplied, received):
            await harness.publish(envelope)
        await harness.wait_status(received, "sent")
        await harness.wait_status(asked, "sent")
    assert await harness.queue_depth() == 0

    kinds = sorted([doc["kind"] async for doc in harness.db["messages"].find({"dossier_code": code})])
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
        await harness.wait_sandbox(1, "attempts")  # the request is at Zalo; we stop before the answer
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
