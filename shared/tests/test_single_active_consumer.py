"""Several replicas of an ordered consumer on the real broker: with a single-active-consumer
queue only one receives; when it is killed in the middle of an event, the standby takes over
from that event on, in order. A queue declared earlier with other arguments stops a consumer
with a message naming the queue and what to do; the outbox relay says so once and still
publishes to it."""

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime

import aio_pika
import pytest

from motcua_shared.contract.dossier_events import DossierReceived
from motcua_shared.contract.envelope import Envelope, parse_envelope
from motcua_shared.contract.event_base import CitizenContact
from motcua_shared.contract.topology import (
    SINGLE_ACTIVE,
    ConsumerSpec,
    QueueArgumentsMismatch,
    consumer_spec,
    declare_exchange,
)
from motcua_shared.messaging.consumer import EventConsumer
from motcua_shared.messaging.outbox import Outbox
from motcua_shared.messaging.outbox_relay import OutboxRelay
from motcua_shared.testing.plugin import eventually

# The first replica, in its own process so it can be SIGKILLed: it prints each version it gets
# and hangs, never acking, on version 3.
REPLICA = """
import asyncio, sys
from motcua_shared.messaging.consumer import EventConsumer
from motcua_shared.contract.dossier_events import DossierReceived
from motcua_shared.contract.topology import ConsumerSpec

async def handle(envelope):
    print("got", envelope.aggregate_version, flush=True)
    if envelope.aggregate_version == 3:
        await asyncio.Event().wait()

async def main(amqp_url, exchange):
    spec = ConsumerSpec(exchange, "probe", ("dossier.#",), single_active=True)
    await EventConsumer(spec, {DossierReceived: handle}).start(amqp_url)
    print("ready", flush=True)
    await asyncio.Event().wait()

asyncio.run(main(*sys.argv[1:]))
"""


def _event(version: int) -> bytes:
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
    envelope = Envelope.wrap(
        payload,
        aggregate_id="31261-260216-0001",
        aggregate_version=version,
        unit_code="31261",
        correlation_id="c",
        occurred_at=datetime.now(UTC),
    )
    return envelope.model_dump_json().encode()


async def _lines_of(process: asyncio.subprocess.Process, into: list[str]) -> None:
    assert process.stdout is not None
    async for line in process.stdout:
        into.append(line.decode().strip())


def test_ordered_consumers_are_single_active():
    assert {"notify", "reporting"} == SINGLE_ACTIVE
    for service, single in (("notify", True), ("reporting", True), ("survey", False)):
        arguments = consumer_spec("motcua.events", service).queue_arguments()
        assert arguments.get("x-single-active-consumer", False) is single


async def test_standby_takes_over_in_order_when_the_active_replica_dies(
    amqp_url, exchange_name, amqp_cleanup
):
    first_lines: list[str] = []
    first = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        REPLICA,
        amqp_url,
        exchange_name,
        stdout=asyncio.subprocess.PIPE,
        env=os.environ | {"PYTHONUNBUFFERED": "1"},
    )
    reader = asyncio.create_task(_lines_of(first, first_lines))
    second_got: list[int] = []

    async def second_handle(envelope):
        second_got.append(envelope.aggregate_version)

    spec = ConsumerSpec(exchange_name, "probe", ("dossier.#",), single_active=True)
    second = EventConsumer(spec, {DossierReceived: second_handle})
    connection = await aio_pika.connect(amqp_url)
    try:
        await eventually(lambda: _async("ready" in first_lines), timeout=30)
        await second.start(amqp_url)  # registers after the first: it is the standby
        exchange = await declare_exchange(await connection.channel(), exchange_name)
        for version in range(1, 6):
            await exchange.publish(
                aio_pika.Message(_event(version)), routing_key="dossier.received"
            )

        await eventually(lambda: _async("got 3" in first_lines), timeout=30)
        assert second_got == []  # the standby received nothing while the first was active

        first.send_signal(signal.SIGKILL)
        await first.wait()
        await eventually(lambda: _async(len(second_got) >= 3), timeout=30)
    finally:
        if first.returncode is None:
            first.kill()
            await first.wait()
        reader.cancel()
        await second.stop()
        await connection.close()

    assert first_lines == ["ready", "got 1", "got 2", "got 3"]
    # Version 3 was never acked: it comes back first, then the rest, once each, in order.
    assert second_got == [3, 4, 5]


async def test_a_queue_with_other_arguments_is_refused_with_what_to_do(
    amqp_url, exchange_name, amqp_cleanup
):
    plain = ConsumerSpec(exchange_name, "probe", ("dossier.#",))
    ordered = ConsumerSpec(exchange_name, "probe", ("dossier.#",), single_active=True)
    await EventConsumer(plain, {}).declare(amqp_url)  # an earlier version's queue

    with pytest.raises(QueueArgumentsMismatch) as refused:
        await EventConsumer(ordered, {}).start(amqp_url)

    message = str(refused.value)
    assert f"'{ordered.queue}'" in message and "x-single-active-consumer" in message
    assert f"rabbitmqctl delete_queue {ordered.queue}" in message


async def test_the_relay_still_publishes_to_a_queue_with_other_arguments(
    mongo, amqp_url, exchange_name, amqp_cleanup, caplog
):
    old_notify = ConsumerSpec(
        exchange_name, "notify", consumer_spec(exchange_name, "notify").routing_keys
    )
    await EventConsumer(old_notify, {}).declare(amqp_url)  # as an earlier version declared it
    outbox = Outbox(mongo["outbox"])
    await outbox.add(parse_envelope(_event(1)))
    relay = OutboxRelay(outbox, amqp_url, exchange_name)
    try:
        assert await relay.publish_pending() == 1
    finally:
        await relay.close()

    [error] = [
        r.getMessage() for r in caplog.records if r.levelname == "ERROR"
    ]  # one line, no traceback
    assert (
        f"'{old_notify.queue}'" in error and f"rabbitmqctl delete_queue {old_notify.queue}" in error
    )
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        queue = await (await connection.channel()).declare_queue(old_notify.queue, passive=True)
        assert queue.declaration_result.message_count == 1  # the event still reached notify's queue


async def _async(value):
    return value
