"""What notify_drain.py builds on: the backlog it drains (due "received" messages, as notify's
consumer stores them), the limits of this machine measured in the same run (the Mongo server's
bulk-write rate and round trip, the sandbox gateway's own send rate), and the clean-up of the
throw-away broker objects. Kept apart so each bench module stays under 400 lines (docs/style.md).
Nothing here asserts a time."""

import asyncio
import statistics
import subprocess
import time
import uuid
from datetime import timedelta
from pathlib import Path

import aio_pika
import httpx

from motcua_shared.contract.event_base import MessageChannel
from motcua_shared.vietnam.timeutil import utcnow

from notify.adapters.message_documents import to_document
from notify.domain.message import Message, Status
from notify.domain.message_kinds import MessageKind
from notify.domain.rendering import render
from notify.domain.templates import TEMPLATES
from notify.settings import SANDBOX_ZALO_APP_ID, SANDBOX_ZALO_SECRET_KEY

TTL = timedelta(days=90)
FIELDS = {
    "code": "",
    "procedure": "Chứng thực bản sao từ bản chính",
    "unit": "UBND phường Bình Thạnh",
    "due": "05/12/2026",
    "lookup_url": "",
}


def backlog(n: int, *, prefix: str) -> list[dict]:
    """n due "received" messages, one per dossier, Zalo first, as the consumer stores them."""
    now, docs = utcnow(), []
    for i in range(n):
        code = f"26734-{prefix}-{i:05d}"
        rendered = render(
            TEMPLATES[MessageKind.RECEIVED],
            FIELDS | {"code": code, "lookup_url": f"http://127.0.0.1:8005/tra-cuu/{code}"},
        )
        message = Message(
            id=uuid.uuid4().hex,
            event_id=uuid.uuid4().hex,
            kind=MessageKind.RECEIVED,
            dossier_code=code,
            unit_code="26734",
            correlation_id=uuid.uuid4().hex,
            phone=f"+8491{i % 10_000_000:07d}",
            preferred_channel=MessageChannel.ZALO,
            rendered=rendered,
            status=Status.QUEUED,
            not_before=now,
            created_at=now,
            channel=MessageChannel.ZALO,
        )
        docs.append(to_document(message, TTL) | {"dossier_seq": 1})
    return docs


async def insert(collection, docs: list[dict]) -> None:
    for start in range(0, len(docs), 1000):
        await collection.insert_many(docs[start : start + 1000], ordered=False)


async def limits(client) -> tuple[float, float]:
    """The server's own bulk-write rate for message-sized documents, and one round trip (ms)."""
    scratch = client[f"bench_limits_{uuid.uuid4().hex[:6]}"]["messages"]
    docs = backlog(2000, prefix="limits")
    started = time.perf_counter()
    for start in range(0, len(docs), 100):
        await scratch.insert_many(docs[start : start + 100])
    rate = len(docs) / (time.perf_counter() - started)
    pings = []
    for _ in range(20):
        t = time.perf_counter()
        await client.admin.command("ping")
        pings.append(time.perf_counter() - t)
    await client.drop_database(scratch.database.name)
    return rate, statistics.median(pings) * 1000


async def gateway_rate(sandbox_url: str, n: int, in_flight: int) -> float:
    """The sandbox gateway's own rate: n ZNS sends from one client, `in_flight` at a time (then
    the sandbox forgets them, and the access token, which notify then refreshes once)."""
    payload = backlog(1, prefix="gateway")[0]["rendered"]
    async with httpx.AsyncClient(timeout=60) as http:
        answer = await http.post(
            f"{sandbox_url}/v4/oa/access_token",
            headers={"secret_key": SANDBOX_ZALO_SECRET_KEY},
            data={
                "refresh_token": f"bench-{uuid.uuid4().hex}",
                "app_id": SANDBOX_ZALO_APP_ID,
                "grant_type": "refresh_token",
            },
        )
        token = answer.json()["access_token"]
        slots = asyncio.Semaphore(in_flight)

        async def send(i: int) -> None:
            async with slots:
                for _ in range(
                    3
                ):  # an overloaded machine may drop a connection: count the send once
                    try:
                        response = await http.post(
                            f"{sandbox_url}/message/template",
                            headers={"access_token": token},
                            json={
                                "phone": f"8492{i:07d}",
                                "template_id": payload["zns_template_id"],
                                "template_data": payload["zns_data"],
                                "tracking_id": uuid.uuid4().hex,
                            },
                        )
                        break
                    except httpx.TransportError:
                        continue
                assert response.json()["error"] == 0, response.text

        started = time.perf_counter()
        await asyncio.gather(*(send(i) for i in range(n)))
        rate = n / (time.perf_counter() - started)
        (await http.post(f"{sandbox_url}/_sandbox/reset")).raise_for_status()
    return rate


async def delete_broker_objects(amqp_url: str, exchange: str) -> None:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        for service in ("intake", "notify", "survey", "reporting"):
            for suffix in ("", ".dlq"):
                await channel.queue_delete(f"{exchange}.{service}{suffix}")
        for name in (exchange, f"{exchange}.dlx"):
            await channel.exchange_delete(name)


def git_head(tree: Path) -> str:
    answer = subprocess.run(
        ["git", "-C", str(tree), "log", "-1", "--format=%h %s"], capture_output=True, text=True
    )
    return answer.stdout.strip()[:80] or "not a git tree"
