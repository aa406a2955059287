"""Benchmark: the deadline scheduler's tick (intake/adapters/mongo_deadlines.py) with 100, 10,000
and 100,000 open dossiers whose next alarm is later, and the same few alarms due each time.

    .venv/bin/python bench/deadline_scheduler.py --sizes 100 10000 100000 --due 20

MongoDB: MONGODB_URL, else an embedded SecantusDB started here (its own temporary database).
Prints, per size: the tick's query time (median and p95 of 30 runs, `limit` 100), the server's
plan (index, keys and documents examined, blocking SORT or not), and — as the limit measured in
the same run — the server's bulk insert rate while loading the open dossiers (~1 KB each). A flat
tick time and "keys examined = due" across sizes is the claim: the cost is the due backlog, never
the open stock."""

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from intake_receive import percentile, server_name  # bench/ is on sys.path when run as a script

from motcua_shared.storage.embedded_mongo import EmbeddedMongo
from motcua_shared.storage.mongo import mongo_client

from intake.adapters.mongo_deadlines import MongoDeadlineIndex

PADDING = "x" * 900  # a dossier document is a few KB with its history; the tick never reads it


def _stages(plan: dict) -> list[dict]:
    found = [plan]
    if isinstance(plan.get("inputStage"), dict):
        found += _stages(plan["inputStage"])
    return found


async def one_size(db, size: int, due: int, now: datetime) -> None:
    await db.dossiers.drop()
    index = MongoDeadlineIndex(db)
    await index.ensure_index()
    started = time.perf_counter()
    for first in range(0, size, 5000):
        await db.dossiers.insert_many(
            [
                {
                    "_id": f"open-{n}",
                    "status": "in_progress",
                    "padding": PADDING,
                    "next_deadline_at": now + timedelta(minutes=1 + n % 86_400),
                }
                for n in range(first, min(size, first + 5000))
            ],
            ordered=False,
        )
    loaded = time.perf_counter() - started
    await db.dossiers.insert_many(
        [
            {
                "_id": f"due-{n}",
                "status": "in_progress",
                "padding": PADDING,
                "next_deadline_at": now - timedelta(seconds=n),
            }
            for n in range(due)
        ]
    )
    timings = []
    for _ in range(30):
        t0 = time.perf_counter()
        codes = await index.due(now, limit=100)
        timings.append((time.perf_counter() - t0) * 1000)
    assert len(codes) == due
    explained = await index.explain(now, limit=100)
    stages = _stages(explained["queryPlanner"]["winningPlan"])
    ixscan = next(s for s in stages if s["stage"] == "IXSCAN")
    stats = explained.get("executionStats", {})
    print(
        f"open {size:>7}  due {due:>3}  tick median {statistics.median(timings):6.2f} ms  "
        f"p95 {percentile(timings, 95):6.2f} ms  | plan {' → '.join(s['stage'] for s in stages)} "
        f"on {ixscan['indexName']}, keys {stats.get('totalKeysExamined')}, docs "
        f"{stats.get('totalDocsExamined')}"
        f"  | server bulk insert {size / loaded:8.0f} docs/s"
    )


async def main(args: argparse.Namespace) -> None:
    url, server = os.environ.get("MONGODB_URL"), None
    if url is None:
        server = EmbeddedMongo(Path(tempfile.mkdtemp(prefix="bench-deadlines-"))).start()
        url = server.url
    try:
        print(
            "Mongo server:",
            await server_name(url, server is not None),
            "| cores:",
            os.cpu_count(),
            "| load average:",
            " ".join(f"{x:.1f}" for x in os.getloadavg()),
        )
        client = mongo_client(url)
        db = client[f"bench_deadlines_{int(time.time())}"]
        now = datetime.now(UTC).replace(microsecond=0)
        try:
            for size in args.sizes:
                await one_size(db, size, args.due, now)
        finally:
            await client.drop_database(db.name)
            await client.close()
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 10_000, 100_000])
    parser.add_argument("--due", type=int, default=20)
    asyncio.run(main(parser.parse_args()))
