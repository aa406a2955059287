"""The limits of this machine, measured in the same run as a bench's figures so the figures can
be read against them (the standard: a benchmark prints its limits measured in the same run):
the bare broker (aio-pika publishing with confirms in the relay's batches of 200 to a quorum
queue, then consuming with prefetch 1 and an ack each, like the services) and the Mongo
server's own bulk-write rate (insert_many of 100 same-size documents); and the CPU seconds each
process used (from /proc), which on two shared cores say what a figure cost and what bounds it.
Used by end_to_end.py, relay_rate.py, projector_rate.py and notify_drain.py; bench/ is on
sys.path when they run as scripts."""

import asyncio
import os
import time
from pathlib import Path

import aio_pika

from motcua_shared.storage.mongo import mongo_client


async def raw_broker(amqp_url: str, exchange: str, size: int, count: int) -> tuple[float, float]:
    """(published/s with confirms, consumed/s with prefetch 1 and an ack each) on a quorum queue."""
    body = b"x" * size
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        queue_name = f"{exchange}.rawbench"
        await channel.declare_queue(queue_name, durable=True, arguments={"x-queue-type": "quorum"})
        try:
            started = time.perf_counter()
            for first in range(
                0, count, 200
            ):  # the relay's batches: 200 in flight, then their confirms
                await asyncio.gather(
                    *(
                        channel.default_exchange.publish(
                            aio_pika.Message(
                                body,
                                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                                content_type="application/json",
                            ),
                            routing_key=queue_name,
                        )
                        for _ in range(first, min(first + 200, count))
                    )
                )
            publish_rate = count / (time.perf_counter() - started)

            consumer_channel = await connection.channel()
            await consumer_channel.set_qos(prefetch_count=1)
            consuming = await consumer_channel.get_queue(queue_name)
            done = asyncio.Event()
            seen = 0

            async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
                nonlocal seen
                await message.ack()
                seen += 1
                if seen == count:
                    done.set()

            started = time.perf_counter()
            tag = await consuming.consume(on_message)
            await asyncio.wait_for(done.wait(), timeout=300)
            consume_rate = count / (time.perf_counter() - started)
            await consuming.cancel(tag)
        finally:
            await channel.queue_delete(queue_name)
    return publish_rate, consume_rate


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


async def mongo_bulk_rate(mongodb_url: str, size: int, count: int = 5000) -> float:
    """The Mongo server's own limit: insert_many of 100 same-size documents at a time."""
    client = mongo_client(mongodb_url)
    try:
        collection = client["bench_bulk_limit"]["docs"]
        started = time.perf_counter()
        for first in range(0, count, 100):
            await collection.insert_many(
                [{"pad": "x" * size, "i": i} for i in range(first, first + 100)]
            )
        return count / (time.perf_counter() - started)
    finally:
        await client.drop_database("bench_bulk_limit")
        await client.close()


def cpu_seconds(pids: dict[str, int]) -> dict[str, float]:
    """CPU seconds (user + system) each process has used so far, from /proc (Linux): on a machine
    shared with other work, what a drain costs each process is steadier than its wall time."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {}
    for name, pid in pids.items():
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        used[name] = (int(fields[11]) + int(fields[12])) / tick
    return used
