"""A dossier's messages reach the citizen in the order they were made, once each, with two
notify replicas (two dispatchers) and the first message waiting for a Zalo retry."""

from motcua_shared.storage.embedded_mongo import free_port


async def test_a_later_message_waits_for_an_earlier_one_in_retry(harness, clock, events):
    await harness.behave("84912345678", zalo_http_errors=1)
    code = "26734-251125-0201"
    received, resolved = events.received(code), events.resolved(code)
    async with harness.notify(clock), harness.notify(clock, port=free_port()):
        await harness.publish(received)
        first = await harness.wait_status(received, "queued")
        await harness.wait_sandbox(1, "attempts")  # Zalo answered 503: "received" waits its backoff
        await harness.publish(resolved)
        second = await harness.wait_status(resolved, "queued")
        assert (first["dossier_seq"], second["dossier_seq"]) == (1, 2)

        clock.advance(seconds=31)
        await harness.wait_status(resolved, "sent")
        sent = await harness.wait_sandbox(2)

    by_tracking = {m["_id"]: m["kind"] for m in [first, second]}
    assert [by_tracking[m["reference"]] for m in sent] == ["received", "result_ready_at_desk"]
    assert len(await harness.sandbox("attempts")) == 3  # 503, then one accepted call per message
