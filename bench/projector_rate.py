"""Reporting's projector alone: a backlog of dossier events waiting on the broker, consumed by
reporting's own consumer and projector, in batches and (for comparison) one event per
transaction.

    .venv/bin/python bench/projector_rate.py --dossiers 1000

Broker: AMQP_URL (default the local one; the run has its own exchange and queues, removed
afterwards). MongoDB: MONGODB_URL, else an embedded SecantusDB started here.

Prints the Mongo server, events/s from the first delivery to the last commit, the batches and
Mongo commands per event (pymongo command monitoring on the projector's client), and the limits
measured in the same run: the bare broker (confirmed publishes/s of the same events) and the
Mongo server's own insert_many rate for documents of the same size.
"""

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aio_pika
from intake_receive import server_name
from machine_limits import mongo_bulk_rate  # bench/ is on sys.path when run as a script

from motcua_shared.config.settings import DEFAULT_AMQP_URL
from motcua_shared.contract.dossier_events import Channel
from motcua_shared.contract.envelope import Envelope
from motcua_shared.contract.topology import consumer_spec, declare_consumer_at, declare_exchange
from motcua_shared.messaging.consumer import BatchLimits, EventConsumer
from motcua_shared.storage.embedded_mongo import EmbeddedMongo
from motcua_shared.storage.mongo import mongo_client
from motcua_shared.storage.mongo_commands import CommandCounter

from reporting.adapters import mongo_collections as c
from reporting.adapters.mongo_projection import MongoProjectionStore
from reporting.app.projector import PROJECTED_EVENTS, Projector
from reporting.settings import ReportingSettings
from reporting.testing.event_scripts import DossierScript, Procedure, Unit, due, vn


def events_for(dossiers: int, units: int) -> list[Envelope[Any]]:
    procedures = [Procedure(f"P{p}", f"Thủ tục {p}", f"F{p % 3}") for p in range(5)]
    events = []
    for i in range(dossiers):
        unit = Unit(f"U{i % units:03d}", f"UBND xã {i % units}", f"P{i % units % 5}")
        script = DossierScript(
            f"U{i % units:03d}-260202-{i:06d}", unit, procedures[i % 5], Channel.ONLINE
        )
        script.received(vn(2026, 2, 2), due(2026, 2, 9)), script.handed_over(vn(2026, 2, 3))
        script.resolved(vn(2026, 2, 6)), script.returned(vn(2026, 2, 9))
        events += script.envelopes
    return events


async def publish(amqp_url: str, exchange_name: str, events: list[Envelope[Any]]) -> float:
    """Publish with confirms, 200 in flight at a time (like the outbox relay); returns per
    second."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        exchange = await declare_exchange(
            await connection.channel(publisher_confirms=True), exchange_name
        )
        started = time.perf_counter()
        for first in range(0, len(events), 200):
            await asyncio.gather(
                *(
                    exchange.publish(
                        aio_pika.Message(
                            e.model_dump_json().encode(),
                            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                        ),
                        routing_key=e.routing_key,
                    )
                    for e in events[first : first + 200]
                )
            )
        return len(events) / (time.perf_counter() - started)


async def project_backlog(
    amqp_url: str, mongodb_url: str, events: list[Envelope[Any]], limits: BatchLimits
) -> dict[str, Any]:
    exchange_name = f"bench.projector.{uuid.uuid4().hex[:8]}"
    spec = consumer_spec(exchange_name, "reporting")
    counter = CommandCounter()
    client = mongo_client(mongodb_url, event_listeners=[counter])
    db_name = f"bench_projector_{uuid.uuid4().hex[:8]}"
    db = client[db_name]
    await c.ensure_indexes(db)
    batches: list[int] = []
    projector = Projector(MongoProjectionStore(client, db), lambda: datetime.now(UTC), _never)

    async def handle(batch: Any) -> None:
        batches.append(len(batch))
        await projector.project_batch(batch)

    consumer = EventConsumer(spec, batch_handler=handle, events=PROJECTED_EVENTS, limits=limits)
    try:
        await declare_consumer_at(amqp_url, spec)
        publish_rate = await publish(amqp_url, exchange_name, events)
        before = sum(sum(v.values()) for v in counter.by_database().values())
        started = time.perf_counter()
        await consumer.start(amqp_url)
        while await db[c.PROCESSED_EVENTS].count_documents({}) < len(events):
            await asyncio.sleep(0.1)
        elapsed = time.perf_counter() - started
        commands = counter.by_database()
        total = sum(sum(v.values()) for v in commands.values()) - before
        return {
            "rate": len(events) / elapsed,
            "elapsed": elapsed,
            "publish_rate": publish_rate,
            "batches": len(batches),
            "median_batch": statistics.median(batches) if batches else 0,
            "commands_per_event": total / len(events),
            "by_command": dict(sorted(commands.get(db_name, {}).items())),
            "doc_size": len(str(await db[c.DOSSIERS].find_one({}))),
        }
    finally:
        await consumer.stop()
        await client.drop_database(db_name)
        await client.close()
        connection = await aio_pika.connect(amqp_url)
        async with connection:
            channel = await connection.channel()
            for queue in (spec.queue, spec.dead_letter_queue):
                await channel.queue_delete(queue)
            await channel.exchange_delete(spec.dead_letter_exchange)
            await channel.exchange_delete(exchange_name)


async def _never(event: Any, reason: str) -> None:
    raise RuntimeError(f"a parked event was rejected: {reason}")


async def main(args: argparse.Namespace) -> None:
    amqp_url = os.environ.get("AMQP_URL", DEFAULT_AMQP_URL)
    with tempfile.TemporaryDirectory(prefix="projector-bench-") as tmp:
        embedded = "MONGODB_URL" not in os.environ
        mongo = EmbeddedMongo(Path(tmp) / "mongo").start() if embedded else None
        mongodb_url = mongo.url if mongo else os.environ["MONGODB_URL"]
        try:
            events = events_for(args.dossiers, args.units)
            load = os.getloadavg()[0]
            print(f"Mongo server:   {await server_name(mongodb_url, embedded)}")
            print(
                f"machine:        {os.cpu_count()} cores shared with other work; load "
                f"average {load:.1f}"
            )
            print(
                f"events:         {len(events)} ({args.dossiers} dossiers x received, "
                "handed over, resolved, "
                f"returned; {args.units} units, 5 procedures), waiting on the broker "
                "before the consumer starts"
            )
            runs = [("batches", BatchLimits(args.prefetch, args.batch, args.wait_ms))]
            if args.compare:
                runs.append(("one per transaction", BatchLimits(args.prefetch, 1, 0)))
            for label, limits in runs:
                r = await project_backlog(amqp_url, mongodb_url, events, limits)
                print(
                    f"{label + ':':<15} {r['rate']:,.0f} events/s ({r['elapsed']:.1f} s; "
                    f"prefetch {limits.prefetch}, "
                    f"batch ≤ {limits.max_batch}: {r['batches']} batches, median "
                    f"{r['median_batch']:.0f}); "
                    f"Mongo commands/event {r['commands_per_event']:.2f} ({r['by_command']})"
                )
            print(
                "bare broker:    confirmed publishes of the same events "
                f"{r['publish_rate']:,.0f}/s (same run)"
            )
            print(
                f"Mongo bulk:     {await mongo_bulk_rate(mongodb_url, r['doc_size']):,.0f} "
                "documents/s "
                f"(insert_many of 100 documents of {r['doc_size']} B, same run)"
            )
            print(f"load average after: {os.getloadavg()[0]:.1f}")
        finally:
            if mongo:
                mongo.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1000, help="x 4 events")
    parser.add_argument("--units", type=int, default=20)
    defaults = ReportingSettings.model_fields  # reporting's own batch defaults
    parser.add_argument("--prefetch", type=int, default=defaults["consumer_prefetch"].default)
    parser.add_argument("--batch", type=int, default=defaults["consumer_batch_max"].default)
    parser.add_argument("--wait-ms", type=float, default=BatchLimits.max_wait_ms)
    parser.add_argument("--compare", action="store_true", help="also one event per transaction")
    asyncio.run(main(parser.parse_args()))
