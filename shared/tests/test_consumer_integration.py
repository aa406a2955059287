"""EventConsumer against the real broker: handled events are acked, a PermanentError or an
invalid envelope is dead-lettered with its reason, a failing handler is redelivered up to the
queue's delivery limit and then parked by RabbitMQ."""

from datetime import datetime, timezone

import aio_pika
from faststream.rabbit import RabbitBroker

from motcua_shared.consumer import REASON_HEADER, EventConsumer, PermanentError
from motcua_shared.events import CitizenContact, DossierReceived, Envelope
from motcua_shared.testing.plugin import eventually
from motcua_shared.topology import ConsumerSpec, declare_exchange


def _envelope(code: str) -> Envelope:
    payload = DossierReceived(
        unit_name="UBND xã Cờ Đỏ", province_code="92", procedure_code="2.000815",
        procedure_name="Chứng thực bản sao", field_code="chung-thuc", channel="direct",
        status="received", officer_id="desk01", contact=CitizenContact(),
    )
    return Envelope.wrap(payload, aggregate_id=code, aggregate_version=1, unit_code="31261",
                         correlation_id="c", occurred_at=datetime.now(timezone.utc))


async def _drain(channel, queue_name):
    queue = await channel.declare_queue(queue_name, passive=True)
    messages = []
    while (message := await queue.get(fail=False)) is not None:
        messages.append(message)
        await message.ack()
    return messages


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
    broker = RabbitBroker(amqp_url, logger=None)
    consumer.attach(broker)
    await consumer.declare(amqp_url)
    await broker.start()
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        exchange = await declare_exchange(channel, exchange_name)
        for code in ("ok", "never", "flaky"):
            body = _envelope(code).model_dump_json().encode()
            await exchange.publish(aio_pika.Message(body), routing_key="dossier.received")
        await exchange.publish(aio_pika.Message(b"{oops"), routing_key="dossier.received")

        async def flaky_parked():
            return attempts.get("flaky", 0) >= 3

        await eventually(flaky_parked)
        await broker.stop()
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
