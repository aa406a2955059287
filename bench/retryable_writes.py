"""What one single write costs as a run goes on, with retryable writes and without (issue 9).

SecantusDB 0.7.0b3 records every retryable write for 30 minutes (up to 10,000) and walks those
records on each write, sorting them once past 10,000: so on it a write's cost grows with the
writes of the last half hour, which is why `embedded_url` turns retryable writes off. This
bench does N single `$inc` updates to 100 documents with each setting, one client, and prints
the mean time per write for each window of writes, beside the server's own bulk-write rate in
the same run (`machine_limits.mongo_bulk_rate`). It prints the server it ran on.

    .venv/bin/python bench/retryable_writes.py            # the embedded SecantusDB
    .venv/bin/python bench/retryable_writes.py --mongodb-url mongodb://host:27017/
"""

import argparse
import asyncio
import tempfile
import time
import uuid
from pathlib import Path

from intake_receive import server_name  # bench/ is on sys.path when run as a script
from machine_limits import mongo_bulk_rate
from pymongo import AsyncMongoClient

from motcua_shared.storage.embedded_mongo import EmbeddedMongo


async def per_write_ms(url: str, retry: bool, writes: int, window: int) -> list[float]:
    separator = "&" if "?" in url else "?"
    client: AsyncMongoClient = AsyncMongoClient(f"{url}{separator}retryWrites={str(retry).lower()}")
    collection = client[f"bench_retryable_{uuid.uuid4().hex[:8]}"].counters
    try:
        await collection.insert_many([{"_id": n, "v": 0} for n in range(100)])
        means, started = [], time.perf_counter()
        for n in range(1, writes + 1):
            await collection.update_one({"_id": n % 100}, {"$inc": {"v": 1}})
            if n % window == 0:
                now = time.perf_counter()
                means.append((now - started) / window * 1000)
                started = now
        return means
    finally:
        await client.drop_database(collection.database.name)
        await client.close()


async def run(url: str, embedded: bool, writes: int, window: int) -> None:
    print(f"Mongo server: {await server_name(url, embedded)}; {writes} single writes, one client")
    bulk = await mongo_bulk_rate(url, size=30)
    print(f"its own bulk rate, same run: {bulk:,.0f} documents/s (insert_many of 100)")
    # Without first: the records the other setting leaves behind are walked only by retryable
    # writes, so they do not weigh on these.
    without = await per_write_ms(url, False, writes, window)
    with_them = await per_write_ms(url, True, writes, window)
    print(f"{'writes':>15}  {'retryable (ms)':>14}  {'not retryable (ms)':>18}")
    for index, (on, off) in enumerate(zip(with_them, without, strict=True)):
        print(f"{index * window:>7}–{(index + 1) * window:<7}  {on:>14.2f}  {off:>18.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=24000, help="writes with each setting")
    parser.add_argument("--window", type=int, default=3000, help="writes per printed mean")
    parser.add_argument("--mongodb-url", help="a server to measure (default: embedded SecantusDB)")
    args = parser.parse_args()
    if args.mongodb_url:
        asyncio.run(run(args.mongodb_url, False, args.n, args.window))
        return
    with tempfile.TemporaryDirectory(prefix="motcua-retryable-") as tmp:
        embedded = EmbeddedMongo(Path(tmp) / "mongo").start()
        try:
            asyncio.run(run(f"mongodb://127.0.0.1:{embedded.port}/", True, args.n, args.window))
        finally:
            embedded.stop()


if __name__ == "__main__":
    main()
