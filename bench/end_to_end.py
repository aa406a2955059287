"""Benchmark: N dossiers through receive → hand over → resolve → return over HTTP, against the
whole system as real processes (motcua_shared.testing.system, one process per service).

    .venv/bin/python bench/end_to_end.py -n 300 -c 10

Broker: AMQP_URL (default the local one). MongoDB: MONGODB_URL, else an embedded SecantusDB
per service started here, as scripts/run.sh runs them (`--one-server`: one for all). The run
has its own exchange, queues and databases, removed afterwards.

Prints:
- the lifecycle rate over HTTP (4 intake requests per dossier) and the sustained rate: dossiers
  whose every event intake committed is reflected in reporting's projection, per second;
- commit → projection latency per event: reporting's `processed_events.at` (set in the
  projector's transaction, just before its commit) minus intake's outbox `created_at` (set in
  intake's transaction, just before its commit), joined by event id; both clocks are this
  machine's, BSON keeps milliseconds;
- the bare broker on the same run: aio-pika publishing events of the same size with confirms
  (batches like the outbox relay) to a quorum queue, and consuming them with prefetch 1 and an
  ack each (like the services), as a multiple of the system's event rate;
- the Mongo server's own bulk-write rate for documents of the same size, in the same run
  (intake's);
- Mongo commands per dossier, per service and in all (pymongo command monitoring in each
  service process: MOTCUA_MONGO_COMMANDS_DIR);
- the CPU seconds each process used per dossier (the services, the embedded Mongo servers, this
  client; /proc) from the first request until reporting caught up, and the rate the cores would
  allow at that cost: on two shared cores this, not the broker, bounds the whole system;
- each embedded Mongo server's own bound: how much of one core it ran at, and one core divided
  by its CPU per dossier (a Python process runs its Python code on one core at a time);
- the Mongo server (buildInfo), the cores and the load average (other work shares the cores).

`--rate 5` offers 5 dossiers a second (open loop) for the latency at a given load.
"""

import argparse
import asyncio
import os
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from intake_receive import percentile, server_name  # bench/ is on sys.path when run as a script
from machine_limits import cpu_seconds, mongo_bulk_rate, ms, raw_broker
from system_outcomes import (
    Servers,
    commit_to_projection,
    embedded_servers,
    projected_since,
    side_effects,
    wait_projected,
)

from motcua_shared.config.settings import DEFAULT_AMQP_URL, own_mongodb_url_setting
from motcua_shared.storage.embedded_mongo import SERVICES
from motcua_shared.storage.mongo_commands import ENV as COMMANDS_ENV
from motcua_shared.storage.mongo_commands import read_counts
from motcua_shared.testing.system import System

CITIZEN = {
    "full_name": "Nguyễn Văn An",
    "cccd": "079203001234",
    "phone": "0912 345 678",
    "consent": True,
    "preferred_channel": "zalo",
}
INTAKE_EVENTS_PER_DOSSIER = 4  # received, handed_over, resolved, result_returned


async def lifecycles(
    system: System, n: int, concurrency: int, rate: float | None = None, units: int = 1
) -> tuple[list[float], list[float]]:
    """Run n dossiers from receipt to return; (per-request latencies, per-dossier latencies).
    `rate`: offer that many new dossiers a second (open loop) instead of as fast as the desks go.
    `units`: the desks are spread over that many communes (desk i works at commune i mod units)."""
    async with httpx.AsyncClient(base_url=system.urls["intake"], timeout=120) as intake:
        catalogue = (await intake.get("/api/v1/units")).json()
        communes = [u["code"] for u in catalogue if u.get("level") != "province"][:units]
        procedures = (await intake.get("/api/v1/procedures")).json()
        procedure = next(
            p
            for p in procedures
            if not p.get("linked_tasks")
            and not p.get("civil_status_event")
            and not p.get("fee_due")
        )["code"]
        tokens = [
            (system.token("desk01", unit, "desk"), system.token("cv01", unit, "specialist"))
            for unit in communes
        ]
        requests: list[float] = []
        dossiers: list[float] = []
        todo = iter(range(n))
        opened = time.perf_counter()

        async def call(
            path: str, body: dict, headers: dict[str, str], expect: int
        ) -> httpx.Response:
            started = time.perf_counter()
            response = await intake.post(path, json=body, headers=headers)
            requests.append(time.perf_counter() - started)
            if response.status_code != expect:
                raise RuntimeError(f"{path}: {response.status_code} {response.text}")
            return response

        async def desk_clerk(index: int) -> None:
            desk, specialist = tokens[index % len(tokens)]
            for i in todo:
                if rate:  # dossier i is offered at i / rate seconds into the run
                    await asyncio.sleep(max(0.0, opened + i / rate - time.perf_counter()))
                started = time.perf_counter()
                received = await call(
                    "/api/v1/dossiers",
                    {
                        "procedure_code": procedure,
                        "desk_check": "complete",
                        "channel": "direct",
                        "citizen": CITIZEN,
                    },
                    desk,
                    201,
                )
                code = received.json()["code"]
                await call(
                    f"/api/v1/dossiers/{code}/hand-over",
                    {"to_officer_id": "cv01", "step": "chuyen-mon"},
                    desk,
                    200,
                )
                await call(
                    f"/api/v1/dossiers/{code}/resolve", {"outcome": "approved"}, specialist, 200
                )
                await call(f"/api/v1/dossiers/{code}/return", {"method": "at_desk"}, desk, 200)
                dossiers.append(time.perf_counter() - started)

        await asyncio.gather(*(desk_clerk(index) for index in range(concurrency)))
    return requests, dossiers


async def report(
    args: argparse.Namespace,
    system: System,
    amqp_url: str,
    servers: Servers,
    embedded: bool,
    commands_dir: Path,
    pids: dict[str, int],
) -> None:
    load_before = os.getloadavg()[0]
    cpu_before = cpu_seconds(pids)
    started = time.perf_counter()
    requests, dossiers = await lifecycles(system, args.n, args.c, args.rate, args.units)
    http_done, desks_closed = time.perf_counter(), datetime.now(UTC)
    await wait_projected(system, servers, args.n * INTAKE_EVENTS_PER_DOSSIER, timeout=args.timeout)
    projected = time.perf_counter()
    cpu = {name: used - cpu_before[name] for name, used in cpu_seconds(pids).items()}
    load_after = os.getloadavg()[0]
    lags, relayed, size, published = await commit_to_projection(system, servers)
    catch_up = await projected_since(system, servers, desks_closed)
    effects = await side_effects(system, servers)
    event_rate = args.n * INTAKE_EVENTS_PER_DOSSIER / (projected - started)
    raw_count = max(2000, published)
    publish_rate, consume_rate = await raw_broker(amqp_url, system.exchange, size, raw_count)

    distinct = len(set(servers.values()))
    print(
        f"Mongo server:          {await server_name(servers['intake'], embedded)}, "
        + ("one for all services" if distinct == 1 else f"one per service ({distinct})")
    )
    print(
        f"machine:               {os.cpu_count()} cores ({platform.machine()}, "
        f"{platform.python_implementation()} "
        f"{platform.python_version()}); load average {load_before:.1f} before, "
        f"{load_after:.1f} after "
        f"(the services, the Mongo servers, the broker and this client share the cores)"
    )
    print(
        f"dossiers:              {args.n}, {args.c} concurrent desk clients at "
        f"{args.units} commune(s), 4 requests each (receive, hand over, resolve, return)"
    )
    print(
        f"lifecycle over HTTP:   {args.n / (http_done - started):.1f} dossiers/s; request "
        "p50 / p99 "
        f"{ms(percentile(requests, 50))} / {ms(percentile(requests, 99))}; a whole dossier p50 "
        f"{ms(percentile(dossiers, 50))}"
    )
    print(
        f"sustained (projected): {args.n / (projected - started):.1f} dossiers/s = "
        f"{event_rate:.1f} intake events/s "
        f"(every event reflected in reporting {projected - http_done:.1f} s after "
        "the last request; "
        "meanwhile its projector applied "
        f"{catch_up / max(projected - http_done, 1e-9):.1f} events/s)"
    )
    print(
        f"commit → projection:   p50 {ms(percentile(lags, 50))}, p99 "
        f"{ms(percentile(lags, 99))}, max {ms(max(lags))} "
        f"over {len(lags)} events (reporting processed_events.at − intake outbox "
        "created_at); of which "
        f"intake's relay (confirmed, marked sent) p50 {ms(percentile(relayed, 50))}, "
        f"p99 {ms(percentile(relayed, 99))}"
    )
    print(
        f"all events published:  {published} (intake + survey + notify outboxes), "
        f"{published / (projected - started):.1f}/s over the run"
    )
    print("the rest of the system: " + ", ".join(f"{k} {v}" for k, v in effects.items()))
    print(
        f"bare broker, same run: {raw_count} messages of {size} B (median intake event): "
        "publish with confirms "
        f"{publish_rate:.0f}/s = {publish_rate / event_rate:.0f}× the system's event "
        "rate; consume, prefetch 1, "
        f"ack each {consume_rate:.0f}/s = {consume_rate / event_rate:.0f}×"
    )
    print(
        f"Mongo bulk, same run:  {await mongo_bulk_rate(servers['intake'], size):,.0f} documents/s "
        f"(insert_many of 100 documents of {size} B, one client)"
    )
    cores = os.cpu_count() or 1
    print(
        "CPU per dossier:       "
        + ", ".join(f"{name} {used / args.n * 1000:.0f} ms" for name, used in cpu.items())
        + f"; total {sum(cpu.values()) / args.n * 1000:.0f} ms, from the first request until "
        f"reporting caught up ({sum(cpu.values()) / (cores * (projected - started)):.0%} of the "
        f"{cores} cores over that time; /proc): {cores} cores bound the whole system near "
        f"{cores * args.n / max(sum(cpu.values()), 1e-9):.1f} dossiers/s at this cost"
    )
    # Embedded: each server is one Python process, its Python code one thread at a time.
    for name in (name for name in cpu if name.startswith("mongo server")):
        server = cpu[name] / args.n
        label = f"{name}'s bound:"
        print(
            f"{label:<22} it ran at {cpu[name] / (projected - started):.0%} "
            "of one core; its Python code runs one thread at a time (the GIL), so at "
            f"{server * 1000:.0f} ms per dossier it alone bounds the system near "
            f"{1 / max(server, 1e-9):.1f} dossiers/s"
        )
    counts = read_counts(commands_dir)
    per_service = {
        service: sum(counts.get(system.db_name(service), {}).values()) for service in SERVICES
    }
    admin = sum(
        sum(v.values())
        for db, v in counts.items()
        if db not in {system.db_name(s) for s in SERVICES}
    )
    print(
        "Mongo commands/dossier: "
        + ", ".join(f"{s} {n / args.n:.1f}" for s, n in per_service.items())
        + f"; total {sum(per_service.values()) / args.n:.1f} (+ {admin / args.n:.1f} "
        "on admin: sessions, "
        "pings, commits) — pymongo command monitoring in every service process"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=300, help="dossiers")
    parser.add_argument("-c", type=int, default=10, help="concurrent desk clients")
    parser.add_argument(
        "--rate", type=float, default=None, help="offered dossiers/s (default: as fast as possible)"
    )
    parser.add_argument(
        "--units",
        type=int,
        default=1,
        help="communes the desks are spread over (default 1: every desk at one commune)",
    )
    parser.add_argument(
        "--one-server",
        action="store_true",
        help="embedded: one Mongo-wire server for every service (default: one per service, "
        "as scripts/run.sh runs them)",
    )
    parser.add_argument(
        "--timeout", type=float, default=600, help="seconds to wait for reporting to catch up"
    )
    args = parser.parse_args()
    amqp_url = os.environ.get("AMQP_URL", DEFAULT_AMQP_URL)
    with tempfile.TemporaryDirectory(prefix="e2e-bench-") as tmp:
        embedded = "MONGODB_URL" not in os.environ
        mongos = embedded_servers(Path(tmp) / "mongo", args.one_server) if embedded else {}
        servers: Servers = {
            service: mongos[service].url if mongos else os.environ["MONGODB_URL"]
            for service in SERVICES
        }
        logs = Path(tmp) / "logs"
        logs.mkdir()
        commands_dir = Path(tmp) / "mongo-commands"
        commands_dir.mkdir()
        own = {own_mongodb_url_setting(s): url for s, url in servers.items()}
        system = System.create(
            amqp_url, servers["intake"], logs, **own, **{COMMANDS_ENV: str(commands_dir)}
        )
        try:
            # Seven Python processes importing at once on 2 shared cores can take more than the
            # tests' 60 s when other work runs (load average 40).
            system.ready_timeout = 600
            system.start()
            pids = {name: process.pid for name, process in system.processes.items()}
            for service, mongo in mongos.items():
                if mongo.process and mongo.process.pid not in pids.values():
                    name = "mongo server" if args.one_server else f"mongo server ({service})"
                    pids[name] = mongo.process.pid
            pids["bench client"] = os.getpid()
            asyncio.run(report(args, system, amqp_url, servers, embedded, commands_dir, pids))
        except BaseException:
            print(f"service logs: {logs} (kept until this run ends)")
            for log in sorted(logs.glob("*.log")):
                tail = log.read_text(errors="replace").splitlines()[-5:]
                print(f"--- {log.name}\n" + "\n".join(tail))
            raise
        finally:
            system.stop()
            for url in set(servers.values()):
                system.drop(amqp_url, url)
            for mongo in set(mongos.values()):
                mongo.stop()


if __name__ == "__main__":
    main()
