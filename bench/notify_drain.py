"""Benchmark: notify drains a backlog of due messages through the sandbox gateway.

    .venv/bin/python bench/notify_drain.py                  # 5,000 messages; claim timed
    at 100/1,000/10,000
    .venv/bin/python bench/notify_drain.py -n 2000 --sizes 100 1000
    # another notify's drain:
    .venv/bin/python bench/notify_drain.py --sizes --service-path /work/other
    # with delivery receipts, as in the fault run (ends when every message is delivered):
    .venv/bin/python bench/notify_drain.py -n 2000 --sizes --receipts

Starts an embedded SecantusDB (unless MONGODB_URL is set), the real `notify-sandbox` HTTP server
and the real `notify-service` (quiet hours off, a throw-away database and exchange, its queues and
exchanges deleted after), each a subprocess. Then:
1. the limits of this machine in the same run: the Mongo server's own bulk-write rate
   (`insert_many` of 100 message documents), one round trip, and the sandbox gateway's own rate
   (ZNS sends from one client, as many in flight as notify's Zalo limit);
2. the time of one claim (a batch of up to 100, promotion of what became due included) at each
   backlog size, next to the query the dispatcher used before (status + not_before, sorted, 1);
3. the drain: N due messages written into notify's log as the consumer stores them (ticketed,
   in one transaction per 1,000), then the time until every one is `sent` in the log:
   messages/s, and the Mongo commands the notify process sent for it (pymongo command
   monitoring, MOTCUA_MONGO_COMMANDS_DIR), per message.
`--service-path DIR` runs the notify service (not the sandbox) from another source tree (e.g. a
worktree of an older commit): the same bench, before and after. Nothing here asserts a time; it
prints figures and the Mongo server they ran on.
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
from intake_receive import server_name, use_run_secrets, wait_for_http
from machine_limits import cpu_seconds
from notify_drain_kit import (
    TTL,
    backlog,
    delete_broker_objects,
    gateway_rate,
    git_head,
    insert,
    limits,
)

from motcua_shared.config.settings import CommonSettings
from motcua_shared.messaging.outbox import Outbox
from motcua_shared.storage.embedded_mongo import EmbeddedMongo, free_port
from motcua_shared.storage.mongo import mongo_client
from motcua_shared.storage.mongo_commands import read_counts
from motcua_shared.storage.transactions import run_in_transaction
from motcua_shared.vietnam.timeutil import utcnow

from notify.adapters.mongo_messages import MongoMessageStore


async def claim_times(client, size: int, rounds: int = 5) -> tuple[float, float, float, float]:
    """Medians at `size` queued: a claim of 100, its window read alone, the old query for one
    message; and storing the whole backlog with its tickets (once, as the consumer does), in ms."""
    db = client[f"bench_claim_{uuid.uuid4().hex[:6]}"]
    store = MongoMessageStore(client, db, Outbox(db["outbox"]), ttl=TTL)
    await store.ensure_indexes()
    await db["messages"].create_index(
        [("status", 1), ("not_before", 1)]
    )  # the index the old query used
    docs = backlog(size, prefix=f"c{size}")
    started = time.perf_counter()
    await enqueue(client, db, docs)
    promotion = (time.perf_counter() - started) * 1000
    claims, windows, old = [], [], []
    for _ in range(rounds):
        now = utcnow()
        head = store.queue.head
        t = time.perf_counter()
        await (
            db["messages"]
            .find({"status": "queued", "queue_pos": {"$gte": head, "$lt": head + 100}}, {"_id": 1})
            .to_list(None)
        )
        windows.append(time.perf_counter() - t)
        t = time.perf_counter()
        batch = await store.claim_due(now, now + timedelta(seconds=120), uuid.uuid4().hex, 100)
        claims.append(time.perf_counter() - t)
        await store.release(batch, not_before=now, at=now)  # back to `size` queued
        await store.queue.promote(now)
        t = time.perf_counter()
        await db["messages"].find_one(
            {"status": "queued", "not_before": {"$lte": now}}, sort=[("not_before", 1)]
        )
        old.append(time.perf_counter() - t)
    await client.drop_database(db.name)
    return (
        statistics.median(claims) * 1000,
        statistics.median(windows) * 1000,
        statistics.median(old) * 1000,
        promotion,
    )


async def enqueue(client, db, docs: list[dict]) -> None:
    """Store due messages as the consumer does: their tickets in the storing transaction."""
    store = MongoMessageStore(client, db, Outbox(db["outbox"]), ttl=TTL)
    for start in range(0, len(docs), 1000):
        chunk = docs[start : start + 1000]

        async def write(session, chunk: list[dict] = chunk) -> None:
            await store.queue.ticket_due(chunk, utcnow(), session)
            await db["messages"].insert_many(chunk, ordered=True, session=session)

        await run_in_transaction(client, write)


async def drain(
    client, db_name: str, n: int, timeout: float, sandbox_url: str, receipts: bool
) -> tuple[float, float]:
    """Seconds from writing n due messages until all are sent (recorded in the log), or with
    `receipts` delivered (the gateway's receipt recorded too), and the seconds the writing took.
    The gateway's cheap counter is polled until it has them all, then the log (a count over the
    few not yet recorded), so the polling costs the server little."""
    messages = client[db_name]["messages"]
    docs = backlog(n, prefix="drain")
    started = time.perf_counter()
    await enqueue(client, client[db_name], docs)
    written = time.perf_counter() - started
    async with httpx.AsyncClient(timeout=30) as http:
        while (
            accepted := (await http.get(f"{sandbox_url}/_sandbox/counts")).json()["accepted"]
        ) < n:
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"only {accepted} of {n} accepted after {timeout:.0f} s")
            await asyncio.sleep(0.1)
    while await messages.count_documents({"status": {"$in": ["queued", "sending"]}}) > 0:
        if time.perf_counter() - started > timeout:
            raise RuntimeError(f"not all of {n} recorded sent after {timeout:.0f} s")
        await asyncio.sleep(0.05)
    final = "delivered" if receipts else "sent"
    while receipts and await messages.count_documents({"status": "sent"}) > 0:
        if time.perf_counter() - started > timeout:
            raise RuntimeError(f"not all of {n} delivered after {timeout:.0f} s")
        await asyncio.sleep(0.05)
    seconds = time.perf_counter() - started
    done = await messages.count_documents({"status": final})
    if done != n:
        raise RuntimeError(f"{done} of {n} {final}")
    return seconds, written


def commands_of(folder: Path, db_name: str) -> dict[str, int]:
    return read_counts(folder).get(db_name, {})


async def explain(client) -> dict:
    db = client[f"bench_explain_{uuid.uuid4().hex[:6]}"]
    store = MongoMessageStore(client, db, Outbox(db["outbox"]), ttl=TTL)
    await store.ensure_indexes()
    await insert(db["messages"], backlog(10, prefix="explain"))
    plans = {}
    for name, query in {
        "window": {"status": "queued", "queue_pos": {"$gte": 0, "$lt": 100}},
        "promotion": {"status": "queued", "queue_pos": None, "not_before": {"$lte": utcnow()}},
    }.items():
        answer = await db.command("explain", {"find": "messages", "filter": query})
        plans[name] = answer["queryPlanner"]["winningPlan"]
    await client.drop_database(db.name)
    return plans


async def bench(
    args: argparse.Namespace,
    mongodb_url: str,
    db_name: str,
    embedded: bool,
    sandbox_url: str,
    commands: Path,
    pids: dict[str, int],
) -> None:
    client = mongo_client(mongodb_url)
    try:
        print(f"Mongo server:          {await server_name(mongodb_url, embedded)}")
        print(
            "machine:               2 cores shared with other helpers' test runs at the same time; "
            f"load average {os.getloadavg()[0]:.1f} at the start"
        )
        rate, ping = await limits(client)
        print(
            f"server bulk writes:    {rate:,.0f} documents/s (insert_many of 100 message "
            "documents); "
            f"round trip {ping:.2f} ms"
        )
        print(
            "sandbox gateway:       "
            f"{await gateway_rate(sandbox_url, args.gateway_n, args.zalo):,.0f} ZNS sends/s "
            f"({args.gateway_n:,} from one client, {args.zalo} in flight)"
        )
        for name, plan in (await explain(client)).items():
            print(f"explain {name + ':':10} {plan}")
        for size in args.sizes:
            claim_ms, window_ms, old_ms, promotion_ms = await claim_times(client, size)
            print(
                f"claim at {size:>6,} queued: {claim_ms:6.1f} ms for a batch of 100, "
                f"its window read {window_ms:5.1f} ms "
                f"(before: {old_ms:7.1f} ms to find ONE message); "
                f"storing all {size:,} with tickets: {promotion_ms:,.0f} ms"
            )
        await asyncio.sleep(1.5)  # the service's command counts are written at most once a second
        before = commands_of(commands, db_name)
        load = os.getloadavg()[0]
        cpu_before = cpu_seconds(pids)
        seconds, written = await drain(
            client, db_name, args.n, args.timeout, sandbox_url, args.receipts
        )
        cpu = {k: v - cpu_before[k] for k, v in cpu_seconds(pids).items()}
        await asyncio.sleep(1.5)
        after = commands_of(commands, db_name)
        used = {name: after.get(name, 0) - before.get(name, 0) for name in after}
        total = sum(used.values())
        print(
            f"drain:                 {args.n:,} due messages sent through the sandbox gateway"
            + (", each delivery receipt recorded, " if args.receipts else " ")
            + f"in {seconds:.1f} s = {args.n / seconds:.0f} messages/s "
            f"(writing them took {written:.1f} s of it; batch {args.batch}, "
            f"Zalo {args.zalo} in flight; "
            f"load average {load:.1f} -> {os.getloadavg()[0]:.1f})"
        )
        print(
            f"Mongo commands:        {total:,} by the notify process during the drain "
            f"= {total / args.n:.2f} per "
            "message: "
            + ", ".join(f"{k} {v:,}" for k, v in sorted(used.items(), key=lambda kv: -kv[1]) if v)
        )
        print(
            "CPU during the drain:  "
            + ", ".join(f"{k} {v:.1f} s" for k, v in cpu.items())
            + f" = {sum(cpu.values()) / args.n * 1000:.2f} s per 1,000 messages on 2 cores "
            "(steadier than wall time on a shared machine; the Mongo server's includes the "
            "bench's own polling)"
        )
    finally:
        await client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5000, help="due messages to drain")
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="*",
        default=[100, 1000, 10_000],
        help="backlogs a claim is timed at",
    )
    parser.add_argument("--batch", type=int, default=100, help="NOTIFY_CLAIM_BATCH_SIZE")
    parser.add_argument("--zalo", type=int, default=16, help="NOTIFY_ZALO_CONCURRENCY")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument(
        "--gateway-n", type=int, default=2000, help="sends timed against the sandbox alone"
    )
    parser.add_argument(
        "--service-path", type=Path, help="run the notify service from this source tree"
    )
    parser.add_argument(
        "--receipts",
        action="store_true",
        help="the gateway sends each delivery receipt to notify's webhook 0.2 s after the send, "
        "as in the fault run; the drain ends when every message is delivered",
    )
    args = parser.parse_args()
    use_run_secrets()
    settings = CommonSettings()
    with tempfile.TemporaryDirectory(prefix="notify-bench-") as tmp:
        embedded = "MONGODB_URL" not in os.environ
        mongo = EmbeddedMongo(Path(tmp) / "mongo").start() if embedded else None
        mongodb_url = mongo.url if mongo else settings.mongodb_url
        db_name, exchange = f"bench_{uuid.uuid4().hex[:8]}", f"bench-{uuid.uuid4().hex[:8]}"
        sandbox_port, notify_port = free_port(), free_port()
        sandbox_url = f"http://127.0.0.1:{sandbox_port}"
        env = os.environ | {
            "MONGODB_URL": mongodb_url,
            "MOTCUA_EXCHANGE": exchange,
            "LOG_LEVEL": "WARNING",
            "NOTIFY_SANDBOX_PORT": str(sandbox_port),
            "NOTIFY_SANDBOX_AUTO_RECEIPTS": "true" if args.receipts else "false",
            "NOTIFY_SANDBOX_RECEIPT_DELAY_SECONDS": "0.2",
            "NOTIFY_SANDBOX_NOTIFY_URL": f"http://127.0.0.1:{notify_port}",
            "NOTIFY_DB_NAME": db_name,
            "NOTIFY_PORT": str(notify_port),
            "NOTIFY_ZALO_BASE_URL": sandbox_url,
            "NOTIFY_ZALO_OAUTH_URL": sandbox_url,
            "NOTIFY_SMS_URL": f"{sandbox_url}/sms/send",
            "NOTIFY_QUIET_START": "00:00",
            "NOTIFY_QUIET_END": "00:00",
            "NOTIFY_DISPATCH_INTERVAL_SECONDS": "0.2",
            "NOTIFY_CLAIM_BATCH_SIZE": str(args.batch),
            "NOTIFY_ZALO_CONCURRENCY": str(args.zalo),
        }
        commands = Path(tmp) / "commands"
        commands.mkdir()
        service_env = env | {"MOTCUA_MONGO_COMMANDS_DIR": str(commands)}
        if args.service_path:
            tree = args.service_path.resolve()
            service_env["PYTHONPATH"] = (
                f"{tree / 'services' / 'notify'}{os.pathsep}{tree / 'shared'}"
            )
            print(f"notify service from:   {tree} ({git_head(tree)})")
        bin_dir = Path(sys.executable).parent
        logs = open(Path(tmp) / "services.log", "wb")  # noqa: SIM115 - closed with the directory
        sandbox = subprocess.Popen(
            [str(bin_dir / "notify-sandbox")], env=env, stdout=logs, stderr=logs
        )
        notify = subprocess.Popen(
            [str(bin_dir / "notify-service")], env=service_env, stdout=logs, stderr=logs
        )
        try:
            wait_for_http(sandbox_url, sandbox)
            wait_for_http(f"http://127.0.0.1:{notify_port}", notify)
            pids = {"notify": notify.pid, "gateway": sandbox.pid}
            if mongo and mongo.process:
                pids["mongo server"] = mongo.process.pid
            asyncio.run(bench(args, mongodb_url, db_name, embedded, sandbox_url, commands, pids))
        finally:
            for process in (notify, sandbox):
                process.terminate()
                process.wait(timeout=30)
            asyncio.run(delete_broker_objects(settings.amqp_url, exchange))
            if mongo:
                mongo.stop()


if __name__ == "__main__":
    main()
