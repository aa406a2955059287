"""Benchmark: receive N dossiers over HTTP with C concurrent desk clients.

    .venv/bin/python bench/intake_receive.py -n 300 -c 10               # starts its own intake
    .venv/bin/python bench/intake_receive.py --url http://127.0.0.1:8001   # against a running one

Without --url it starts an embedded SecantusDB (unless MONGODB_URL is set) and intake as a
subprocess on a free port, with a throw-away database and exchange, and stops both after.
Prints dossiers/s, p50/p99 latency, events published/s (until the outbox has nothing
pending) and which Mongo server it ran on (asked via buildInfo).
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
from collections.abc import Callable
from pathlib import Path

import aio_pika
import httpx

from motcua_shared.config.local_run import load_local_run_env
from motcua_shared.config.settings import CommonSettings
from motcua_shared.storage.embedded_mongo import EmbeddedMongo, free_port
from motcua_shared.storage.mongo import mongo_client
from motcua_shared.testing.system_env import run_secrets
from motcua_shared.web.auth import mint_token

CITIZEN = {
    "full_name": "Nguyễn Văn An",
    "cccd": "079203001234",
    "phone": "0912 345 678",
    "consent": True,
}


async def receive_all(
    url: str, token: str, procedure: str, n: int, concurrency: int
) -> list[float]:
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(n):
        queue.put_nowait(i)
    body = {"procedure_code": procedure, "desk_check": "complete", "citizen": CITIZEN}

    async def desk(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            queue.get_nowait()
            started = time.perf_counter()
            response = await client.post("/api/v1/dossiers", json=body)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 201:
                raise RuntimeError(f"receipt failed: {response.status_code} {response.text}")

    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120) as client:
        await asyncio.gather(*(desk(client) for _ in range(concurrency)))
    return latencies


async def drain_outbox(mongodb_url: str, db_name: str) -> float:
    """Seconds until the outbox has no pending event; also names the Mongo server."""
    client = mongo_client(mongodb_url)
    try:
        while await client[db_name].outbox.count_documents({"status": "pending"}):
            await asyncio.sleep(0.05)
        return time.perf_counter()
    finally:
        await client.close()


async def server_name(mongodb_url: str, embedded: bool) -> str:
    client = mongo_client(mongodb_url)
    try:
        info = await client.admin.command("buildInfo")
    finally:
        await client.close()
    if "secantusVersion" in info:
        return f"SecantusDB {info['secantusVersion']} ({'embedded' if embedded else mongodb_url})"
    return f"MongoDB {info.get('version')} ({mongodb_url})"


def percentile(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]
        if len(values) > 1
        else values[0]
    )


async def bench(
    args: argparse.Namespace, url: str, mongodb_url: str, db_name: str, embedded: bool
) -> None:
    settings = CommonSettings()
    token = mint_token(
        settings.jwt_secret, "bench-desk", args.unit, ["desk"], algorithm=settings.jwt_algorithm
    )
    started = time.perf_counter()
    latencies = await receive_all(url, token, args.procedure, args.n, args.c)
    received = time.perf_counter()
    drained = await drain_outbox(mongodb_url, db_name)
    print(f"Mongo server:        {await server_name(mongodb_url, embedded)}")
    print(
        f"dossiers received:   {args.n} with {args.c} concurrent clients in "
        f"{received - started:.2f} s"
    )
    print(f"dossiers/s:          {args.n / (received - started):.1f}")
    print(
        f"latency p50 / p99:   {percentile(latencies, 50) * 1000:.1f} ms / "
        f"{percentile(latencies, 99) * 1000:.1f} ms"
    )
    print(
        f"events published/s:  {args.n / (drained - started):.1f} "
        f"(all {args.n} confirmed by the broker {drained - started:.2f} s after the first receipt)"
    )


def wait_for_http(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("intake exited during startup")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"intake did not answer at {url}")


async def delete_exchange(amqp_url: str, exchange: str) -> None:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        await (await connection.channel()).exchange_delete(exchange)


def use_run_secrets() -> None:
    """The services a bench starts refuse public secrets: strong ones for this run, unless set."""
    for name, value in run_secrets().items():
        os.environ.setdefault(name, value)


def with_private_intake(prefix: str, run: Callable[[str, str, str, bool], None]) -> None:
    """Start an intake of our own (on an embedded SecantusDB unless MONGODB_URL is set), call
    run(url, mongodb_url, db_name, embedded), then stop it and drop what it made."""
    settings = CommonSettings()
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        embedded = "MONGODB_URL" not in os.environ
        mongo = EmbeddedMongo(Path(tmp) / "mongo").start() if embedded else None
        mongodb_url = mongo.url if mongo else settings.mongodb_url
        db_name, exchange, port = (
            f"bench_{uuid.uuid4().hex[:8]}",
            f"bench-{uuid.uuid4().hex[:8]}",
            free_port(),
        )
        env = os.environ | {
            "MONGODB_URL": mongodb_url,
            "MOTCUA_EXCHANGE": exchange,
            "INTAKE_DB_NAME": db_name,
            "INTAKE_PORT": str(port),
            "LOG_LEVEL": "WARNING",
        }
        intake = subprocess.Popen([sys.executable, "-m", "intake.main"], env=env)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for_http(url, intake)
            run(url, mongodb_url, db_name, embedded)
        finally:
            intake.terminate()
            intake.wait(timeout=30)
            if not embedded:
                from pymongo import MongoClient

                with MongoClient(mongodb_url) as client:
                    client.drop_database(db_name)
            asyncio.run(delete_exchange(settings.amqp_url, exchange))
            if mongo:
                mongo.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=300, help="dossiers to receive")
    parser.add_argument("-c", type=int, default=10, help="concurrent desk clients")
    parser.add_argument("--url", help="a running intake; default: start one")
    parser.add_argument("--unit", default="26734")
    parser.add_argument("--procedure", default="2.000843")
    parser.add_argument(
        "--db-name",
        default=os.environ.get("INTAKE_DB_NAME", "intake"),
        help="the running intake's database (with --url)",
    )
    args = parser.parse_args()
    if args.url:
        load_local_run_env()  # a system started by scripts/run.sh: its secret, from .data
    use_run_secrets()
    settings = CommonSettings()
    if args.url:
        asyncio.run(bench(args, args.url, settings.mongodb_url, args.db_name, embedded=False))
        return

    with_private_intake(
        "intake-bench-",
        lambda url, mongodb_url, db_name, embedded: asyncio.run(
            bench(args, url, mongodb_url, db_name, embedded)
        ),
    )


if __name__ == "__main__":
    main()
