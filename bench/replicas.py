"""Throughput of the ordered consumers with 1, 2 and 4 replicas: reporting's and notify's events
per second on K = 4 partitions, on this machine.

    .venv/bin/python bench/replicas.py --dossiers 500

Why: partitions (issue 15) let K replicas share an ordered consumer's queue; this shows what
replicas add here, next to the limits of the same run. Expect little: this machine has two
cores shared by the broker, the one Mongo-wire server, every process and other work, so more
processes mostly share the same two cores (the load average is printed).

For each replica count R it starts the system as processes (without survey: notify then
makes exactly two messages per dossier) (`System`, a private RabbitMQ
node with the consistent-hash plugin, an embedded SecantusDB unless MONGODB_URL is set), with
notify and reporting R times each and MOTCUA_PARTITIONS=4; warms up until the partitions are
shared between the R replicas (min(R, 4) processes active, rabbitmqctl), then publishes a
backlog of N dossiers × 4 lifecycle events (received, handed over, resolved, returned; one phone
per dossier, consent, Zalo) with the headers the outbox relay sets, and measures from the first
publish until each service has handled them all: reporting's projected events (its
`processed_events`), notify's handled events and its messages sent through the sandbox gateway.
The bare broker (confirmed publishes of the same events, same run) and the Mongo server's
`insert_many` rate are printed beside them.
"""

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import aio_pika
from end_to_end import mongo_bulk_rate  # bench/ is on sys.path when run as a script
from faultrun.harness import databases, mongo_server
from faultrun.replica_faults import partitions_of

from motcua_shared.contract.dossier_events import Channel
from motcua_shared.contract.envelope import Envelope
from motcua_shared.contract.event_base import CitizenContact
from motcua_shared.contract.topology import declare_exchange
from motcua_shared.storage.embedded_mongo import EmbeddedMongo
from motcua_shared.testing.private_broker import PrivateBroker
from motcua_shared.testing.system import System
from motcua_shared.vietnam.timeutil import utcnow

from reporting.testing.event_scripts import DossierScript, Procedure, Unit

PARTITIONS = 4


def events_for(dossiers: int, first: int, run: str) -> list[Envelope[Any]]:
    """Each dossier's four lifecycle events, dossier after dossier, dated now."""
    procedures = [Procedure(f"P{p}", f"Thủ tục {p}", f"F{p % 3}") for p in range(5)]
    now = utcnow()
    events = []
    for i in range(first, first + dossiers):
        unit = Unit(f"{26734 + i % 10}", f"UBND phường {i % 10}", "79")
        script = DossierScript(
            f"{unit.code}-{run}-{i:05d}", unit, procedures[i % 5], Channel.DIRECT
        )
        script.contact = CitizenContact(phone=f"+8491{i:07d}", consent=True)
        script.received(now, now + timedelta(days=7)), script.handed_over(now)
        script.resolved(now), script.returned(now)
        events += script.envelopes
    return events


async def publish(amqp_url: str, exchange_name: str, events: list[Envelope[Any]]) -> float:
    """Publish with confirms, 200 in flight at a time, with the relay's headers; per second."""
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
                            message_id=str(e.event_id),
                            type=e.routing_key,
                            headers={
                                "aggregate_id": e.aggregate_id,
                                "aggregate_version": e.aggregate_version,
                                "partition_key": e.aggregate_id,
                            },
                        ),
                        routing_key=e.routing_key,
                    )
                    for e in events[first : first + 200]
                )
            )
        return len(events) / (time.perf_counter() - started)


def spread(broker: PrivateBroker, system: System) -> dict[str, int]:
    """How many processes are active on the partitions, per service."""
    result = {}
    for service in ("notify", "reporting"):
        ports = [
            c["peer_port"]
            for consumers in partitions_of(broker, system, service).values()
            for c in consumers
            if c["active"]
        ]
        result[service] = len({system.process_with_port(int(p)) for p in ports if p is not None})
    return result


async def measure(
    replicas: int, args: argparse.Namespace, broker: PrivateBroker, mongodb_url: str, logs: Path
) -> dict[str, Any]:
    (logs / f"r{replicas}").mkdir(parents=True, exist_ok=True)
    system = System.create(
        broker.url,
        mongodb_url,
        logs / f"r{replicas}",
        replicas={"notify": replicas, "reporting": replicas},
        MOTCUA_PARTITIONS=str(PARTITIONS),
        CONSUMER_REBALANCE_SECONDS="2",
    )
    system.ready_timeout = 300
    run = uuid.uuid4().hex[:6]
    try:
        # No survey: its survey.opened would add events to notify's count; notify's messages
        # are then exactly "received" and "result ready" per dossier.
        await asyncio.to_thread(system.start, "sandbox", "intake", "notify", "reporting")
        async with databases(system, mongodb_url) as dbs:
            warm, wanted = 0, min(replicas, PARTITIONS)
            deadline = time.monotonic() + 120
            while (shared := await asyncio.to_thread(spread, broker, system)) != {
                "notify": wanted,
                "reporting": wanted,
            } and time.monotonic() < deadline:
                await publish(
                    broker.url, system.exchange, events_for(10, warm, run)
                )  # partitions in use
                warm += 10
                await asyncio.sleep(2)
            warm_events = warm * 4
            while (
                await dbs["reporting"].processed_events.count_documents({}) < warm_events
                and time.monotonic() < deadline + 120
            ):
                await asyncio.sleep(0.5)
            sent_before = await dbs["notify"].messages.count_documents(
                {"status": {"$in": ["sent", "delivered"]}}
            )
            events = events_for(args.dossiers, warm, run)
            load_before = os.getloadavg()[0]
            started = time.perf_counter()
            publish_rate = await publish(broker.url, system.exchange, events)
            done: dict[str, float] = {}
            target = warm_events + len(events)
            messages_target = sent_before + 2 * args.dossiers  # received, result ready
            while len(done) < 3 and time.perf_counter() - started < args.timeout:
                now = time.perf_counter() - started
                if (
                    "reporting" not in done
                    and await dbs["reporting"].processed_events.count_documents({}) >= target
                ):
                    done["reporting"] = now
                if (
                    "notify" not in done
                    and await dbs["notify"].processed_events.count_documents({}) >= target
                ):
                    done["notify"] = now
                if (
                    "notify" in done
                    and "sent" not in done
                    and await dbs["notify"].messages.count_documents(
                        {"status": {"$in": ["sent", "delivered"]}}
                    )
                    >= messages_target
                ):
                    done["sent"] = now
                await asyncio.sleep(0.5)
            sent = await dbs["notify"].messages.count_documents(
                {"status": {"$in": ["sent", "delivered"]}}
            )
            return {
                "replicas": replicas,
                "shared": shared,
                "events": len(events),
                "done": done,
                "sent": sent - sent_before,
                "publish_rate": publish_rate,
                "load": (load_before, os.getloadavg()[0]),
                "messages_target": messages_target - sent_before,
            }
    finally:
        await asyncio.to_thread(system.stop)


async def main(args: argparse.Namespace) -> None:
    run_id = uuid.uuid4().hex[:8]
    logs = args.logs or Path(__file__).parent / "results" / f"replicas-bench-{run_id}"
    with tempfile.TemporaryDirectory(prefix="motcua-replicas-bench-") as tmp:
        embedded = None if os.environ.get("MONGODB_URL") else EmbeddedMongo(Path(tmp) / "mongo")
        broker = PrivateBroker(Path(tmp) / "rabbitmq", name=f"motcua-replicas-bench-{run_id}")
        try:
            mongodb_url = embedded.start().url if embedded else os.environ["MONGODB_URL"]
            await asyncio.to_thread(broker.start, 600)  # a loaded machine boots Erlang slowly
            print(
                f"Mongo server:  {await mongo_server(mongodb_url)}"
                f"{' (embedded)' if embedded else ''} | "
                f"broker: private RabbitMQ node | K = {PARTITIONS} partitions | logs {logs}"
            )
            print(
                f"machine:       {os.cpu_count()} cores shared with other work; load average "
                f"{os.getloadavg()[0]:.1f}",
                flush=True,
            )
            results = []
            for replicas in args.replicas:
                r = await measure(replicas, args, broker, mongodb_url, logs)
                results.append(r)
                d = r["done"]
                rate = {
                    k: f"{r['events'] / v:,.0f} events/s ({v:.0f} s)"
                    for k, v in d.items()
                    if k != "sent"
                }
                print(
                    f"{replicas} replica(s): active processes {r['shared']}; reporting "
                    f"{rate.get('reporting', 'NOT DONE')}; "
                    f"notify handled {rate.get('notify', 'NOT DONE')}; "
                    f"notify sent {r['sent']} messages"
                    + (
                        f" in {d['sent']:.0f} s ({r['sent'] / d['sent']:,.1f}/s)"
                        if "sent" in d
                        else " (NOT all)"
                    )
                    + f"; bare broker {r['publish_rate']:,.0f} confirmed publishes/s; "
                    f"load average {r['load'][0]:.1f} → {r['load'][1]:.1f}",
                    flush=True,
                )
            print(
                f"Mongo bulk:    {await mongo_bulk_rate(mongodb_url, 600):,.0f} documents/s "
                f"(insert_many of 100 documents of 600 B, same run)"
            )
        finally:
            broker.stop()
            if embedded:
                embedded.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=500, help="× 4 events per replica count")
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--timeout", type=float, default=900, help="seconds per replica count")
    parser.add_argument("--logs", type=Path)
    asyncio.run(main(parser.parse_args()))
    sys.exit(0)
