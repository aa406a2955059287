"""EventConsumer against the real broker: handled events are acked, a PermanentError or an
invalid envelope is dead-lettered with its reason, a failing handler is redelivered up to the
queue's delivery limit and then parked by RabbitMQ. In batch mode, what is waiting comes as
one batch in arrival order, and a poison message is split out of its batch: its neighbours
are applied once each, it alone is dead-lettered (or parked)."""

from datetime import UTC, datetime

import aio_pika

from motcua_shared.contract.dossier_events import DossierReceived
from motcua_shared.contract.envelope import Envelope
from motcua_shared.contract.event_base import CitizenContact
from motcua_shared.contract.topology import ConsumerSpec, declare_exchange
from motcua_shared.messaging.consumer import (
    REASON_HEADER,
    BatchLimits,
    EventConsumer,
    PermanentError,
)
from motcua_shared.testing.plugin import eventually


def _envelope(code: str, version: int = 1) -> Envelope:
    payload = DossierReceived(
        unit_name="UBND xã Cờ Đỏ",
        province_code="92",
        procedure_code="2.000815",
        procedure_name="Chứng thực bản sao",
        field_code="chung-thuc",
        channel="direct",
        status="received",
        officer_id="desk01",
        contact=CitizenContact(),
    )
    return Envelope.wrap(
        payload,
        aggregate_id=code,
        aggregate_version=version,
        unit_code="31261",
        correlation_id="c",
        occurred_at=datetime.now(UTC),
    )


async def _drain(channel, queue_name):
    queue = await channel.declare_queue(queue_name, passive=True)
    messages = []
    while (message := await queue.get(fail=False)) is not None:
        messages.append(message)
        await message.ack()
    return messages


async def _publish(channel, exchange_name, bodies):
    exchange = await declare_exchange(channel, exchange_name)
    for body in bodies:
        await exchange.publish(aio_pika.Message(body), routing_key="dossier.received")


async def test_consumer_acks_dead_letters_and_parks(amqp_url, exchange_name, amqp_cleanup):
    spec = ConsumerSpec(exchange_name, "probe", ("dossier.#",), delivery_limit=2)
    attempts: dict[str, int] = {}

    async def handle(envelope):
        attempts[envelope.aggregate_id] = attempts.get(envelope.aggregate_id, 0) + 1
        if envelope.aggregate_id == "never":
            raise PermanentError("unit 31261 is unknown here")
        if envelope.aggregate_id == "flaky":
            raise RuntimeError("database away")

    consumer = EventConsumer(spec, {DossierReceived: handle})
    await consumer.start(amqp_url)
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        await _publish(
            channel,
            exchange_name,
            [_envelope(code).model_dump_json().encode() for code in ("ok", "never", "flaky")]
            + [b"{oops"],
        )

        async def flaky_parked():
            return attempts.get("flaky", 0) >= 3

        await eventually(flaky_parked)
        await consumer.stop()
        parked = await _drain(channel, spec.dead_letter_queue)
        main = await _drain(channel, spec.queue)
    finally:
        await connection.close()

    assert attempts["ok"] == 1 and attempts["never"] == 1
    assert main == []
    by_reason = {m.headers.get(REASON_HEADER): m for m in parked}
    assert "unit 31261 is unknown here" in by_reason
    assert any(reason and reason.startswith("invalid envelope") for reason in by_reason)
    limited = [m for m in parked if REASON_HEADER not in m.headers]
    assert len(limited) == 1 and limited[0].headers["x-first-death-reason"] == "delivery_limit"


async def test_batches_keep_order_and_isolate_poison(amqp_url, exchange_name, amqp_cleanup):
    """A backlog is consumed in batches (in arrival order); a batch holding a poison message or
    a failing one is split: every good event is committed exactly once, the poison one is
    dead-lettered with its reason, the failing one parked at the delivery limit."""
    spec = ConsumerSpec(exchange_name, "batch", ("dossier.#",), delivery_limit=2)
    committed: list[int] = []
    batches: list[int] = []
    failing_tries = 0

    async def handle_batch(envelopes):
        nonlocal failing_tries
        versions = [e.aggregate_version for e in envelopes]
        if 13 in versions:
            raise PermanentError("version 13 is poison")
        if 27 in versions:
            failing_tries += len(versions) == 1
            raise RuntimeError("database away for version 27")
        batches.append(len(versions))
        committed.extend(versions)  # "commit": only a batch that did not raise counts

    # A consumer that holds everything published before it starts: the backlog is waiting.
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        consumer = EventConsumer(
            spec,
            batch_handler=handle_batch,
            events=[DossierReceived],
            limits=BatchLimits(prefetch=50, max_batch=20, max_wait_ms=200),
        )
        await consumer.declare(amqp_url)
        await _publish(
            channel,
            exchange_name,
            [_envelope("31261-260216-0001", v).model_dump_json().encode() for v in range(1, 41)],
        )
        await consumer.start(amqp_url)

        async def settled():
            return len(committed) == 38 and failing_tries >= 2

        await eventually(settled)
        await consumer.stop()
        parked = await _drain(channel, spec.dead_letter_queue)
        main = await _drain(channel, spec.queue)
    finally:
        await connection.close()

    assert sorted(committed) == [v for v in range(1, 41) if v not in (13, 27)]
    assert len(set(committed)) == len(committed)  # none twice
    assert committed[:12] == list(range(1, 13))  # arrival order within and across batches
    assert max(batches) > 1  # the backlog came in batches, not one by one
    assert main == []
    reasons = sorted(str(m.headers.get(REASON_HEADER)) for m in parked)
    assert reasons == ["None", "version 13 is poison"]
