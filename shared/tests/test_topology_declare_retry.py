"""A consumer's declaration that gets no answer is tried again on a new connection.

Regression: in a CI run a service's start-up declared its DLQ and then waited for good (the
broker's log showed no further command from it, and no error), so the service never started.
Declarations are idempotent: `declare_consumer_at` now gives one DECLARE_SECONDS and tries again.
Here the first attempt hangs on purpose after the DLQ; the second must declare the consumer's
queue on the real broker.
"""

import asyncio

import aio_pika

from motcua_shared.contract import topology
from motcua_shared.contract.topology import ConsumerSpec, declare_consumer_at


async def test_a_declaration_without_answer_is_tried_again(
    amqp_url, exchange_name, amqp_cleanup, monkeypatch
):
    spec = ConsumerSpec(exchange_name, "probe", ("dossier.#",))
    real = topology.declare_consumer
    calls = 0

    async def first_hangs(channel, spec):
        nonlocal calls
        calls += 1
        if calls == 1:
            await channel.declare_queue(
                spec.dead_letter_queue, durable=True, arguments={"x-queue-type": "quorum"}
            )
            await asyncio.Event().wait()  # no answer, ever
        return await real(channel, spec)

    monkeypatch.setattr(topology, "declare_consumer", first_hangs)
    monkeypatch.setattr(topology, "DECLARE_SECONDS", 0.5)

    await declare_consumer_at(amqp_url, spec)

    assert calls == 2
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        queue = await (await connection.channel()).declare_queue(spec.queue, passive=True)
        assert queue.name == spec.queue
