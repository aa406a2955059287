"""The outbox relay alone: events/s from the outbox to the broker with publisher confirms, and
the commit → sent latency with two relays (two replicas) on one outbox, beside the bare broker.

    .venv/bin/python bench/relay_rate.py --events 4000 --rate 20 --seconds 20

Broker: AMQP_URL (default the local one; the run has its own exchange and queues, removed
afterwards). MongoDB: MONGODB_URL, else an embedded SecantusDB started here.

1. backlog: `--events` intake events (received, handed over, resolved, returned) pending in an
   outbox before the relay starts; one relay (it takes the free lease) publishes them to the
   exchange, routed to the consumers' quorum queues as in production, and marks them sent under
   its fencing token: events/s, batches, Mongo commands per event.
2. offered rate: events committed one at a time at `--rate` events/s for `--seconds`, two relays
   on the outbox; each commit wakes the relay of its own "replica" (alternately), so half of
   them wait for the holder's poll: commit → marked sent p50 / p99 (`sent_at − created_at`).
3. limits, same run: the bare broker's confirmed publishes of the same bodies to the same
   exchange and queues, 200 in flight (the relay's batch), and the Mongo server's insert_many.
"""

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aio_pika
from intake_receive import server_name
from machine_limits import mongo_bulk_rate, ms  # bench/ is on sys.path when run as a script
from projector_rate import events_for, publish

from motcua_shared.config.settings import DEFAULT_AMQP_URL
from motcua_shared.contract.topology import BINDINGS, consumer_spec
from motcua_shared.messaging.outbox import SENT, Outbox, _document
from motcua_shared.messaging.outbox_relay import OutboxRelay
from motcua_shared.storage.embedded_mongo import EmbeddedMongo
from motcua_shared.storage.mongo import mongo_client
from motcua_shared.storage.mongo_commands import CommandCounter


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] if ordered else 0.0


async def backlog(
    amqp_url: str, mongodb_url: str, exchange: str, events: list[Any], poll: float
) -> dict[str, Any]:
    counter = CommandCounter()
    writer, client = mongo_client(mongodb_url), mongo_client(mongodb_url, event_listeners=[counter])
    db_name = f"bench_relay_{uuid.uuid4().hex[:8]}"
    outbox = Outbox(client[db_name]["outbox"])
    try:
        await outbox.ensure_indexes()
        for first in range(0, len(events), 500):
            await writer[db_name]["outbox"].insert_many(
                [_document(e) for e in events[first : first + 500]]
            )
        relay = OutboxRelay(outbox, amqp_url, exchange, poll_interval=poll)
        await relay.lease.step()  # the free lease, taken before the clock starts
        before = sum(counter.counts.values())
        started = time.perf_counter()
        relay.start()
        while await writer[db_name]["outbox"].count_documents({"status": SENT}) < len(events):
            await asyncio.sleep(0.02)
        elapsed = time.perf_counter() - started
        commands = {name: n for (db, name), n in counter.counts.items() if db == db_name}
        await relay.stop()
        return {
            "rate": len(events) / elapsed,
            "elapsed": elapsed,
            "batches": relay.batches_total,
            "commands_per_event": (sum(counter.counts.values()) - before) / len(events),
            "by_command": dict(sorted(commands.items())),
        }
    finally:
        await writer.drop_database(db_name)
        await writer.close()
        await client.close()


async def offered(
    amqp_url: str, mongodb_url: str, exchange: str, events: list[Any], rate: float, poll: float
) -> dict[str, Any]:
    client = mongo_client(mongodb_url)
    db_name = f"bench_relay_{uuid.uuid4().hex[:8]}"
    outbox = Outbox(client[db_name]["outbox"])
    await outbox.ensure_indexes()
    relays = [OutboxRelay(outbox, amqp_url, exchange, poll_interval=poll) for _ in range(2)]
    try:
        for relay in relays:
            relay.start()
        started = time.perf_counter()
        for i, envelope in enumerate(events):
            await asyncio.sleep(max(0.0, started + i / rate - time.perf_counter()))
            await outbox.add(envelope)
            relays[i % 2].wake()  # the commit's own replica
        offered_rate = len(events) / (time.perf_counter() - started)
        while await client[db_name]["outbox"].count_documents({"status": SENT}) < len(events):
            await asyncio.sleep(0.05)
        docs = (
            await client[db_name]["outbox"].find({}, {"created_at": 1, "sent_at": 1}).to_list(None)
        )
        lags = [(d["sent_at"] - d["created_at"]).total_seconds() for d in docs]
        return {
            "offered": offered_rate,
            "p50": percentile(lags, 50),
            "p99": percentile(lags, 99),
            "max": max(lags),
            "publishers": sum(1 for r in relays if r.published_total),
        }
    finally:
        for relay in relays:
            await relay.stop()
        await client.drop_database(db_name)
        await client.close()


async def remove_topology(amqp_url: str, exchange: str) -> None:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        for service in BINDINGS:
            spec = consumer_spec(exchange, service)
            for queue in (spec.queue, spec.dead_letter_queue):
                await channel.queue_delete(queue)
        await channel.exchange_delete(f"{exchange}.dlx")
        await channel.exchange_delete(exchange)


async def purge(amqp_url: str, exchange: str) -> None:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        for service in BINDINGS:
            queue = await channel.declare_queue(
                consumer_spec(exchange, service).queue, passive=True
            )
            await queue.purge()


async def main(args: argparse.Namespace) -> None:
    amqp_url = os.environ.get("AMQP_URL", DEFAULT_AMQP_URL)
    exchange = f"bench.relay.{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory(prefix="relay-bench-") as tmp:
        embedded = "MONGODB_URL" not in os.environ
        mongo = EmbeddedMongo(Path(tmp) / "mongo").start() if embedded else None
        mongodb_url = mongo.url if mongo else os.environ["MONGODB_URL"]
        try:
            events = events_for(args.events // 4, 20)
            size = int(statistics.median(len(e.model_dump_json()) for e in events))
            print(f"Mongo server:   {await server_name(mongodb_url, embedded)}")
            print(
                f"machine:        {os.cpu_count()} cores shared with other work; "
                f"load average {os.getloadavg()[0]:.1f}"
            )
            print(
                f"events:         {len(events)} intake events, median body {size} B, routed to "
                f"{', '.join(BINDINGS)}' quorum queues"
            )
            r = await backlog(amqp_url, mongodb_url, exchange, events, args.poll)
            print(
                f"relay, backlog: {r['rate']:,.0f} events/s ({r['elapsed']:.1f} s, "
                f"{r['batches']} batches); Mongo commands/event {r['commands_per_event']:.3f} "
                f"{r['by_command']}"
            )
            await purge(amqp_url, exchange)
            trickle = events_for(max(1, int(args.rate * args.seconds) // 4), 20)
            o = await offered(amqp_url, mongodb_url, exchange, trickle, args.rate, args.poll)
            print(
                f"relay, offered: {o['offered']:.1f} events/s committed, two relays "
                f"({o['publishers']} published), poll {args.poll} s: commit → sent "
                f"p50 {ms(o['p50'])}, p99 {ms(o['p99'])}, max {ms(o['max'])}"
            )
            await purge(amqp_url, exchange)
            bare = await publish(amqp_url, exchange, events)
            print(
                f"bare broker:    {bare:,.0f} confirmed publishes/s of the same events to the same "
                f"exchange and queues, 200 in flight (same run): the relay reached "
                f"{r['rate'] / bare:.0%} of it"
            )
            print(
                f"Mongo bulk:     {await mongo_bulk_rate(mongodb_url, size):,.0f} documents/s "
                f"(insert_many of 100 documents of {size} B, same run)"
            )
            print(f"load average after: {os.getloadavg()[0]:.1f}")
        finally:
            await remove_topology(amqp_url, exchange)
            if mongo:
                mongo.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=4000, help="backlog size (x 4 per dossier)")
    parser.add_argument("--rate", type=float, default=20.0, help="offered events/s in phase 2")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of phase 2")
    parser.add_argument("--poll", type=float, default=0.25, help="the holder's poll interval, s")
    asyncio.run(main(parser.parse_args()))
