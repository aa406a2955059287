"""A consumer's worker stops when cancelled, even when a message arrives in the same instant.

Python 3.11's `asyncio.wait_for` returns the inner result instead of raising when the cancel and
the result come together (fixed in 3.12); `EventConsumer.stop()` then awaited a worker that went
on waiting for its inbox forever: the intermittent hang of the partition tests in CI."""

import asyncio

from motcua_shared.contract.topology import ConsumerSpec
from motcua_shared.messaging.consumer import BatchLimits, EventConsumer
from motcua_shared.messaging.partitions import Incoming


async def test_a_cancel_that_meets_an_arriving_message_stops_the_batch_wait():
    consumer = EventConsumer(
        ConsumerSpec("x", "probe", ("dossier.#",)),
        batch_handler=lambda envelopes: asyncio.sleep(0),
        limits=BatchLimits(prefetch=10, max_batch=10, max_wait_ms=10_000),
    )
    inbox: asyncio.Queue[Incoming] = consumer._inbox
    inbox.put_nowait(Incoming(0, 0, None))
    inbox.put_nowait(Incoming(0, 0, None))
    waiting = asyncio.create_task(consumer._next_batch())
    while inbox.qsize():  # it took both and now waits (up to 10 s) for more of the batch
        await asyncio.sleep(0)
    await asyncio.sleep(0)
    inbox.put_nowait(Incoming(0, 0, None))  # a message arrives ...
    waiting.cancel()  # ... as the consumer is stopped
    done, _ = await asyncio.wait({waiting}, timeout=5)
    assert done, "the worker did not stop"
    assert waiting.cancelled(), f"the cancel was swallowed: got {waiting.result()}"
    assert inbox.qsize() == 1  # the message stays for nobody to lose: the broker has it unacked
