"""The outbox relay publishes pending events in write order with confirms, marks them sent,
keeps them as the log, and leaves them pending while the broker cannot be reached."""

import asyncio
from datetime import UTC, datetime

import pytest

from motcua_shared.contract.dossier_events import DossierWithdrawn
from motcua_shared.contract.envelope import Envelope, parse_envelope
from motcua_shared.messaging.outbox import PENDING, SENT, Outbox
from motcua_shared.messaging.outbox_relay import OutboxRelay


def _event(code: str, version: int) -> Envelope:
    now = datetime.now(UTC)
    payload = DossierWithdrawn(
        unit_name="UBND phường Bình Thạnh",
        province_code="79",
        procedure_code="1.001193",
        procedure_name="Đăng ký khai sinh",
        field_code="ho-tich",
        channel="online",
        status="withdrawn",
        officer_id="desk01",
        withdrawn_at=now,
    )
    return Envelope.wrap(
        payload,
        aggregate_id=code,
        aggregate_version=version,
        unit_code="26734",
        correlation_id=code,
        occurred_at=now,
    )


async def test_relay_publishes_in_order_and_keeps_the_log(
    mongo, amqp_url, exchange_name, event_probe
):
    outbox = Outbox(mongo["outbox"])
    await outbox.ensure_indexes()
    written = [_event(f"D-{i}", 1) for i in range(5)]
    for envelope in written:
        await outbox.add(envelope)

    relay = OutboxRelay(outbox, amqp_url, exchange_name)
    try:
        assert await relay.publish_pending() == 5
        assert await relay.publish_pending() == 0
    finally:
        await relay.close()

    received = await event_probe.wait_for(5)
    assert [parse_envelope(m.body).event_id for m in received] == [e.event_id for e in written]
    assert await mongo["outbox"].count_documents({"status": SENT}) == 5
    log = await outbox.page(None, 10)
    assert [doc["_id"] for doc in log] == [str(e.event_id) for e in written]


async def test_a_dossiers_events_go_out_in_version_order_whatever_their_seq(
    mongo, amqp_url, exchange_name, event_probe
):
    """Two intake replicas writing v1 and v2 of one dossier in the same second: v2's ObjectId
    may sort first. The relay still publishes v1 before v2."""
    outbox = Outbox(mongo["outbox"])
    first, other, second = _event("D-5", 1), _event("D-6", 1), _event("D-5", 2)
    for envelope in (second, other, first):  # seq order: v2, the other dossier, v1
        await outbox.add(envelope)

    relay = OutboxRelay(outbox, amqp_url, exchange_name)
    try:
        assert await relay.publish_pending() == 3
    finally:
        await relay.close()

    received = [parse_envelope(m.body) for m in await event_probe.wait_for(3)]
    assert [(e.aggregate_id, e.aggregate_version) for e in received] == [
        ("D-5", 1),
        ("D-6", 1),
        ("D-5", 2),
    ]


async def test_events_stay_pending_while_the_broker_is_unreachable(
    mongo, exchange_name, amqp_url, event_probe
):
    outbox = Outbox(mongo["outbox"])
    await outbox.add(_event("D-9", 1))
    unreachable = OutboxRelay(outbox, "amqp://guest:guest@127.0.0.1:1/", exchange_name)
    try:
        with pytest.raises(OSError):
            await unreachable.publish_pending()
    finally:
        await unreachable.close()
    assert await mongo["outbox"].count_documents({"status": PENDING}) == 1

    relay = OutboxRelay(outbox, amqp_url, exchange_name)
    try:
        assert await relay.publish_pending() == 1
    finally:
        await relay.close()
    assert (await event_probe.wait_for(1))[0].message_id


async def test_events_wait_in_queues_of_consumers_not_started_yet(
    mongo, amqp_url, exchange_name, amqp_cleanup
):
    import aio_pika

    outbox = Outbox(mongo["outbox"])
    await outbox.add(_event("D-7", 1))
    relay = OutboxRelay(outbox, amqp_url, exchange_name)
    try:
        assert await relay.publish_pending() == 1
    finally:
        await relay.close()
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        for service in ("notify", "reporting"):  # both bound to dossier.#
            queue = await channel.declare_queue(f"{exchange_name}.{service}", passive=True)
            # Single-active-consumer queues refuse basic.get: consume the one message instead.
            async with asyncio.timeout(10), queue.iterator() as messages:
                message = await anext(messages)
                assert parse_envelope(message.body).aggregate_id == "D-7"
                await message.ack()
