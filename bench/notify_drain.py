"""Benchmark: notify drains a backlog of due messages through the sandbox gateway.

    .venv/bin/python bench/notify_drain.py                  # 5,000 messages; claim timed
    at 100/1,000/10,000
    .venv/bin/python bench/notify_drain.py -n 2000 --sizes 100 1000

Starts an embedded SecantusDB (unless MONGODB_URL is set), the real `notify-sandbox` HTTP server
and the real `notify-service` (quiet hours off, a throw-away database and exchange, its queues and
exchanges deleted after), each a subprocess. Then:
1. the limits of this machine in the same run: the Mongo server's own bulk-write rate
   (`insert_many` of 100 message documents) and one round trip;
2. the time of one claim (a batch of up to 100, promotion of what became due included) at each
   backlog size, next to the query the dispatcher used before (status + not_before, sorted, 1);
3. the drain: N due messages written straight into notify's log (as the consumer would have),
   then the time until every one is `sent` at the gateway: messages/s.
Nothing here asserts a time; it prints figures and the Mongo server they ran on.
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

import aio_pika

from intake_receive import server_name, use_run_secrets, wait_for_http
from motcua_shared.storage.embedded_mongo import EmbeddedMongo, free_port
from motcua_shared.contract.event_base import MessageChannel
from motcua_shared.storage.mongo import mongo_client
from motcua_shared.messaging.outbox import Outbox
from motcua_shared.config.settings import CommonSettings
from motcua_shared.vietnam.timeutil import utcnow

from notify.adapters.message_documents import to_document
from notify.adapters.mongo_messages import MongoMessageStore
from notify.domain.message_kinds import MessageKind
from notify.domain.message import Message, Status
from notify.domain.rendering import render
from notify.domain.templates import TEMPLATES

TTL = timedelta(days=90)
FIELDS = {"code": "", "procedure": "Chứng thực bản sao từ bản chính", "unit": "UBND phường Bình Thạnh",
          "due": "05/12/2026", "lookup_url": ""}


def backlog(n: int, *, prefix: str) -> list[dict]:
    """n due "received" messages, one per dossier, Zalo first, as the consumer stores them."""
    now, docs = utcnow(), []
    for i in range(n):
        code = f"26734-{prefix}-{i:05d}"
        rendered = render(TEMPLATES[MessageKind.RECEIVED],
                          FIELDS | {"code": code, "lookup_url": f"http://127.0.0.1:8005/tra-cuu/{code}"})
        message = Message(id=uuid.uuid4().hex, event_id=uuid.uuid4().hex, kind=MessageKind.RECEIVED,
                          dossier_code=code, unit_code="26734", correlation_id=uuid.uuid4().hex,
                          phone=f"+8491{i % 10_000_000:07d}", preferred_channel=MessageChannel.ZALO,
                          rendered=rendered, status=Status.QUEUED, not_before=now, created_at=now,
                          channel=MessageChannel.ZALO)
        docs.append(to_document(message, TTL) | {"dossier_seq": 1})
    return docs


async def insert(collection, docs: list[dict]) -> None:
    for start in range(0, len(docs), 1000):
        await collection.insert_many(docs[start:start + 1000], ordered=False)


async def limits(client) -> tuple[float, float]:
    """The server's own bulk-write rate for message-sized documents, and one round trip (ms)."""
    scratch = client[f"bench_limits_{uuid.uuid4().hex[:6]}"]["messages"]
    docs = backlog(2000, prefix="limits")
    started = time.perf_counter()
    for start in range(0, len(docs), 100):
        await scratch.insert_many(docs[start:start + 100])
    rate = len(docs) / (time.perf_counter() - started)
    pings = []
    for _ in range(20):
        t = time.perf_counter()
        await client.admin.command("ping")
        pings.append(time.perf_counter() - t)
    await client.drop_database(scratch.database.name)
    return rate, statistics.median(pings) * 1000


async def claim_times(client, size: int, rounds: int = 5) -> tuple[float, float, float, float]:
    """Medians at `size` queued: a claim of 100, its window read alone, the old query for one
    message; and the promotion of the whole backlog (once), all in ms."""
    db = client[f"bench_claim_{uuid.uuid4().hex[:6]}"]
    store = MongoMessageStore(client, db, Outbox(db["outbox"]), ttl=TTL)
    await store.ensure_indexes()
    await db["messages"].create_index([("status", 1), ("not_before", 1)])  # the index the old query used
    await insert(db["messages"], backlog(size, prefix=f"c{size}"))
    started = time.perf_counter()
    now = utcnow()
    await store.queue.promote(now)
    promotion = (time.perf_counter() - started) * 1000
    claims, windows, old = [], [], []
    for _ in range(rounds):
        now = utcnow()
        head = store.queue.head
        t = time.perf_counter()
        await db["messages"].find({"status": "queued", "queue_pos": {"$gte": head, "$lt": head + 100}},
                                  {"_id": 1}).to_list(None)
        windows.append(time.perf_counter() - t)
        t = time.perf_counter()
        batch = await store.claim_due(now, now + timedelta(seconds=120), uuid.uuid4().hex, 100)
        claims.append(time.perf_counter() - t)
        await store.release(batch, not_before=now, at=now)  # back to `size` queued
        await store.queue.promote(now)
        t = time.perf_counter()
        await db["messages"].find_one({"status": "queued", "not_before": {"$lte": now}}, sort=[("not_before", 1)])
        old.append(time.perf_counter() - t)
    await client.drop_database(db.name)
    return (statistics.median(claims) * 1000, statistics.median(windows) * 1000, statistics.median(old) * 1000,
            promotion)


async def drain(client, db_name: str, n: int, timeout: float) -> float:
    """Seconds from writing n due messages until all are sent."""
    messages = client[db_name]["messages"]
    docs = backlog(n, prefix="drain")
    started = time.perf_counter()
    await insert(messages, docs)
    while (sent := await messages.count_documents({"status": "sent"})) < n:
        if time.perf_counter() - started > timeout:
            raise RuntimeError(f"only {sent} of {n} sent after {timeout:.0f} s")
        await asyncio.sleep(0.25)
    return time.perf_counter() - started


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


async def delete_broker_objects(amqp_url: str, exchange: str) -> None:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        for service in ("intake", "notify", "survey", "reporting"):
            for suffix in ("", ".dlq"):
                await channel.queue_delete(f"{exchange}.{service}{suffix}")
        for name in (exchange, f"{exchange}.dlx"):
            await channel.exchange_delete(name)


async def bench(args: argparse.Namespace, mongodb_url: str, db_name: str, embedded: bool) -> None:
    client = mongo_client(mongodb_url)
    try:
        print(f"Mongo server:          {await server_name(mongodb_url, embedded)}")
        print("machine:               2 cores shared with other helpers' test runs at the same time")
        rate, ping = await limits(client)
        print(f"server bulk writes:    {rate:,.0f} documents/s (insert_many of 100 message " "documents); "
              f"round trip {ping:.2f} ms")
        for name, plan in (await explain(client)).items():
            print(f"explain {name + ':':10} {plan}")
        for size in args.sizes:
            claim_ms, window_ms, old_ms, promotion_ms = await claim_times(client, size)
            print(f"claim at {size:>6,} queued: {claim_ms:6.1f} ms for a batch of 100, its " f"window read {window_ms:5.1f} ms "
                  f"(before: {old_ms:7.1f} ms to find ONE message); promoting all " f"{size:,} once: {promotion_ms:,.0f} ms")
        seconds = await drain(client, db_name, args.n, args.timeout)
        print(f"drain:                 {args.n:,} due messages sent through the sandbox " f"gateway in {seconds:.1f} s "
              f"= {args.n / seconds:.0f} messages/s (batch {args.batch}, Zalo {args.zalo} in flight)")
    finally:
        await client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5000, help="due messages to drain")
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 1000, 10_000], help="backlogs a claim is timed at")
    parser.add_argument("--batch", type=int, default=100, help="NOTIFY_CLAIM_BATCH_SIZE")
    parser.add_argument("--zalo", type=int, default=16, help="NOTIFY_ZALO_CONCURRENCY")
    parser.add_argument("--timeout", type=float, default=1800)
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
            "MONGODB_URL": mongodb_url, "MOTCUA_EXCHANGE": exchange, "LOG_LEVEL": "WARNING",
            "NOTIFY_SANDBOX_PORT": str(sandbox_port), "NOTIFY_SANDBOX_AUTO_RECEIPTS": "false",
            "NOTIFY_DB_NAME": db_name, "NOTIFY_PORT": str(notify_port), "NOTIFY_ZALO_BASE_URL": sandbox_url,
            "NOTIFY_ZALO_OAUTH_URL": sandbox_url, "NOTIFY_SMS_URL": f"{sandbox_url}/sms/send",
            "NOTIFY_QUIET_START": "00:00", "NOTIFY_QUIET_END": "00:00", "NOTIFY_DISPATCH_INTERVAL_SECONDS": "0.2",
            "NOTIFY_CLAIM_BATCH_SIZE": str(args.batch), "NOTIFY_ZALO_CONCURRENCY": str(args.zalo)}
        bin_dir = Path(sys.executable).parent
        logs = open(Path(tmp) / "services.log", "wb")  # noqa: SIM115 - closed with the directory
        sandbox = subprocess.Popen([str(bin_dir / "notify-sandbox")], env=env, stdout=logs, stderr=logs)
        notify = subprocess.Popen([str(bin_dir / "notify-service")], env=env, stdout=logs, stderr=logs)
        try:
            wait_for_http(sandbox_url, sandbox)
            wait_for_http(f"http://127.0.0.1:{notify_port}", notify)
            asyncio.run(bench(args, mongodb_url, db_name, embedded))
        finally:
            for process in (notify, sandbox):
                process.terminate()
                process.wait(timeout=30)
            asyncio.run(delete_broker_objects(settings.amqp_url, exchange))
            if mongo:
                mongo.stop()


if __name__ == "__main__":
    main()
