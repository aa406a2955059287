"""What can never apply lands in reporting's dead-letter queue with its reason; nothing
else moves."""

from datetime import timedelta

import aio_pika

from motcua_shared.contract.envelope import parse_envelope
from motcua_shared.contract.topology import consumer_spec
from motcua_shared.messaging.consumer import REASON_HEADER
from motcua_shared.testing.plugin import eventually

from reporting.adapters.mongo_collections import DOSSIERS, PARKED_EVENTS, PROCESSED_EVENTS
from reporting.testing.event_scripts import PHONE, DossierScript, Unit, due, vn

from .conftest import BIRTH, CERT, UNIT_A, publish, publish_events, wait_until_projected


async def dead_letters(amqp_url: str, exchange: str, count: int) -> list[tuple[str, bytes]]:
    """(reason, body) of the first `count` messages of reporting's DLQ."""
    found: list[tuple[str, bytes]] = []
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        queue = await (await connection.channel()).get_queue(
            consumer_spec(exchange, "reporting").dead_letter_queue
        )

        async def enough() -> bool:
            message = await queue.get(no_ack=True, fail=False)
            if message is not None:
                found.append((str(message.headers.get(REASON_HEADER, "")), message.body))
            return len(found) >= count

        await eventually(enough, timeout=30)
    return found


async def test_malformed_and_inconsistent_events_are_dead_lettered_with_a_reason(
    app, mongo, amqp_url, exchange_name
):
    moved = DossierScript("M1", UNIT_A, CERT)
    first = moved.received(vn(2026, 2, 2), due(2026, 2, 5))
    moved.unit = Unit("31120", "UBND phường Cái Khế", "92")
    other_unit = moved.handed_over(vn(2026, 2, 3))
    await publish_events(amqp_url, exchange_name, [first])
    await wait_until_projected(mongo, 1)
    await publish(
        amqp_url,
        exchange_name,
        [(b'{"event_type": "dossier.received", "payload": 42', "dossier.received")],
    )
    await publish_events(amqp_url, exchange_name, [other_unit])
    letters = await dead_letters(amqp_url, exchange_name, 2)
    reasons = sorted(reason for reason, _ in letters)
    assert reasons[0].startswith("dossier M1 belongs to unit 26734, event says 31120")
    assert reasons[1].startswith("invalid envelope")
    assert (await mongo[DOSSIERS].find_one({"_id": "M1"}))["version"] == 1
    assert await mongo[PROCESSED_EVENTS].count_documents({}) == 1


async def test_out_of_order_events_wait_and_what_never_fits_is_dead_lettered(
    app, mongo, clock, amqp_url, exchange_name
):
    late_first = DossierScript("P1", UNIT_A, BIRTH)
    received = late_first.received(vn(2026, 2, 2), due(2026, 2, 5))
    handed = late_first.handed_over(vn(2026, 2, 3))
    resolved = late_first.resolved(vn(2026, 2, 4))
    broken = DossierScript("P2", UNIT_A, BIRTH)
    broken_first = broken.received(vn(2026, 2, 2), due(2026, 2, 5))
    resolved_before_receipt = broken.resolved(vn(2026, 2, 1))
    stranger = DossierScript("P3", UNIT_A, BIRTH)
    stranger.received(vn(2026, 2, 2), due(2026, 2, 5)), stranger.handed_over(vn(2026, 2, 3))
    orphan = stranger.resolved(vn(2026, 2, 4))  # its versions 1 and 2 never come

    await publish_events(
        amqp_url, exchange_name, [resolved, handed, resolved_before_receipt, orphan]
    )

    async def parked() -> bool:
        return await mongo[PARKED_EVENTS].count_documents({}) == 4

    await eventually(parked)
    assert await mongo[DOSSIERS].count_documents({}) == 0
    async for doc in mongo[PARKED_EVENTS].find():  # a waiting event holds no personal data either
        assert PHONE.removeprefix("+84") not in repr(doc)

    await publish_events(amqp_url, exchange_name, [received, broken_first])

    async def filled() -> bool:
        p1 = await mongo[DOSSIERS].find_one({"_id": "P1"})
        return (
            p1 is not None
            and p1["version"] == 3
            and await mongo[PARKED_EVENTS].count_documents({}) == 1
        )

    await eventually(filled)
    assert (await mongo[DOSSIERS].find_one({"_id": "P1"}))["timeliness"] == "early"
    assert (await mongo[DOSSIERS].find_one({"_id": "P2"}))["version"] == 1

    clock.now += timedelta(minutes=30)
    assert await app.state.services.sweeper.sweep() == 0  # not parked long enough yet
    clock.now += timedelta(minutes=31)
    assert await app.state.services.sweeper.sweep() == 1
    letters = {
        parse_envelope(body).event_id: reason
        for reason, body in await dead_letters(amqp_url, exchange_name, 2)
    }
    assert "resolved at" in letters[resolved_before_receipt.event_id]
    assert "unknown dossier P3" in letters[orphan.event_id]
    assert await mongo[PARKED_EVENTS].count_documents({}) == 0
