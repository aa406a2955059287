"""Events published out of order, on the real broker and the Mongo-wire server, with K = 4
partitions and two notify instances: every citizen hears of their dossier in lifecycle order,
once per step; a gap that never fills goes to notify's DLQ with its reason once the bound has
passed (issue 15)."""

import aio_pika
import pytest

from motcua_shared.consumer import REASON_HEADER
from motcua_shared.embedded_mongo import free_port
from motcua_shared.events import parse_envelope
from motcua_shared.testing.plugin import eventually
from motcua_shared.topology import consumer_spec

K = 4
LIFECYCLE = ["received", "result_ready_at_desk", "congratulations_birth"]


@pytest.fixture(autouse=True)
def partitions(monkeypatch):
    # The relays read K from the environment, the consumers from settings: one K, as deployed.
    monkeypatch.setenv("MOTCUA_PARTITIONS", str(K))


async def test_out_of_order_events_reach_each_citizen_in_lifecycle_order_once(
    harness, clock, events
):
    codes = [f"26734-261202-{n:04d}" for n in range(12)]
    lifecycles = {}
    for n, code in enumerate(codes):
        contact = events.contact(phone=f"09123{n:05d}")
        lifecycles[code] = [
            events.received(code, contact=contact, civil="birth"),
            events.resolved(code, contact=contact, civil="birth"),
            events.returned(code, contact=contact, civil="birth"),
        ]
    async with (
        harness.notify(clock, partitions=K),
        harness.notify(clock, partitions=K, port=free_port()),
    ):
        for version in (3, 2, 1, 2, 3):  # newest first, then copies of what came early
            for code in codes:
                await harness.publish(lifecycles[code][version - 1])
        await harness.wait_sandbox(len(codes) * len(LIFECYCLE))

        async def drained():
            return (
                await harness.queue_depth() == 0
                and await harness.db["event_order"].count_documents({"held.0": {"$exists": True}})
                == 0
            )

        assert await eventually(drained, timeout=30)

    sent = await harness.sandbox()
    kinds = {
        doc["_id"]: (doc["dossier_code"], doc["kind"])
        async for doc in harness.db["messages"].find()
    }
    heard: dict[str, list[str]] = {code: [] for code in codes}
    for message in sent:
        code, kind = kinds[message["reference"]]
        heard[code].append(kind)
    assert heard == {code: LIFECYCLE for code in codes}  # in order, none twice
    orders = [doc async for doc in harness.db["event_order"].find()]
    assert sorted(doc["_id"] for doc in orders) == codes and {doc["version"] for doc in orders} == {
        3
    }


async def test_a_gap_that_never_fills_is_dead_lettered_with_its_reason(harness, clock, events):
    code = "26734-261202-0100"
    received, _never, resolved, returned = (
        events.received(code),
        events.supplement(code),
        events.resolved(code),
        events.returned(code),
    )
    async with harness.notify(clock, partitions=K, hold_max_minutes=60, hold_sweep_seconds=0.1):
        for envelope in (received, returned, resolved):
            await harness.publish(envelope)
        await harness.wait_status(received, "sent")

        async def held():
            doc = await harness.db["event_order"].find_one({"_id": code})
            return doc if doc and len(doc["held"]) == 2 else None

        assert (await eventually(held))["version"] == 1
        clock.advance(minutes=61)
        letters = await _dead_letters(harness, 2)
    reasons = {parse_envelope(m.body).aggregate_version: m.headers[REASON_HEADER] for m in letters}
    assert reasons == {
        3: f"dossier.resolved: dossier {code}: version(s) [3, 4] waited 61 min for version 2, "
        "which never arrived (have 1)",
        4: f"dossier.result_returned: dossier {code}: version(s) [3, 4] waited 61 min for "
        "version 2, which never arrived (have 1)",
    }
    assert [doc["kind"] async for doc in harness.db["messages"].find({"dossier_code": code})] == [
        "received"
    ]
    assert (await harness.db["event_order"].find_one({"_id": code}))["held"] == []


async def _dead_letters(harness, count: int) -> list[aio_pika.abc.AbstractIncomingMessage]:
    connection = await aio_pika.connect(harness.settings.amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(
            consumer_spec(harness.settings.exchange, "notify", partitions=K).dead_letter_queue,
            passive=True,
        )
        got: list[aio_pika.abc.AbstractIncomingMessage] = []

        async def enough():
            while (message := await queue.get(fail=False)) is not None:
                got.append(message)
                await message.ack()
            return len(got) >= count

        await eventually(enough, timeout=20)
        return got
