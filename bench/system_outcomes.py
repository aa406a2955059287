"""The whole-system benchmark's Mongo-wire servers (one per service, as scripts/run.sh runs them,
or one for all) and what a run left in them: reporting caught up, commit → projection per
event, the side effects. Read after the run, or polled by metadata only, so the reads do not load
the servers being measured."""

import asyncio
import statistics
import time
from datetime import datetime
from pathlib import Path

from motcua_shared.storage.embedded_mongo import SERVICES, EmbeddedMongo
from motcua_shared.storage.mongo import mongo_client
from motcua_shared.testing.system import System

Servers = dict[str, str]  # service → the Mongo-wire server holding its database


def embedded_servers(folder: Path, one: bool) -> dict[str, EmbeddedMongo]:
    """Each service's embedded server: its own, as scripts/run.sh runs them, or one for all."""
    if one:
        shared = EmbeddedMongo(folder).start()
        return {service: shared for service in SERVICES}
    return {service: EmbeddedMongo(folder / service).start() for service in SERVICES}


async def wait_projected(system: System, servers: Servers, expected: int, timeout: float) -> None:
    """Until reporting has processed every intake event (its processed_events hold their ids).
    Polled by the collection's count from metadata, twice a second: a counting scan would load the
    very server the projector waits on."""
    client = mongo_client(servers["reporting"])
    deadline = time.monotonic() + timeout
    try:
        processed = client[system.db_name("reporting")]["processed_events"]
        while await processed.estimated_document_count() < expected:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"reporting did not reflect {expected} events within {timeout:.0f}s"
                )
            await asyncio.sleep(0.5)
    finally:
        await client.close()


async def commit_to_projection(
    system: System, servers: Servers
) -> tuple[list[float], list[float], int, int]:
    """Per intake event: reporting's processed_events.at − intake's outbox created_at, and the
    relay's part of it (outbox sent_at − created_at), in seconds; also the median event body size
    and how many events all outboxes hold."""
    clients = {service: mongo_client(url) for service, url in servers.items()}
    try:
        outbox = clients["intake"][system.db_name("intake")]["outbox"]
        committed = {
            doc["_id"]: doc
            async for doc in outbox.find({}, {"created_at": 1, "sent_at": 1, "body": 1})
        }
        projected = {
            doc["_id"]: doc["at"]
            async for doc in clients["reporting"][system.db_name("reporting")][
                "processed_events"
            ].find({"_id": {"$in": list(committed)}})
        }
        lags = [
            (projected[event_id] - doc["created_at"]).total_seconds()
            for event_id, doc in committed.items()
            if event_id in projected
        ]
        relayed = [
            (doc["sent_at"] - doc["created_at"]).total_seconds() for doc in committed.values()
        ]
        size = int(statistics.median(len(doc["body"]) for doc in committed.values()))
        published = 0
        for service in ("intake", "survey", "notify"):
            published += await clients[service][system.db_name(service)]["outbox"].count_documents(
                {}
            )
        return lags, relayed, size, published
    finally:
        for client in clients.values():
            await client.close()


async def projected_since(system: System, servers: Servers, moment: datetime) -> int:
    client = mongo_client(servers["reporting"])
    try:
        return await client[system.db_name("reporting")]["processed_events"].count_documents(
            {"at": {"$gte": moment}}
        )
    finally:
        await client.close()


async def side_effects(system: System, servers: Servers) -> dict[str, int]:
    notify, survey = mongo_client(servers["notify"]), mongo_client(servers["survey"])
    try:
        messages = notify[system.db_name("notify")]["messages"]
        return {
            "notify messages made": await messages.count_documents({}),
            "sent or delivered": await messages.count_documents(
                {"status": {"$in": ["sent", "delivered"]}}
            ),
            "surveys opened": await survey[system.db_name("survey")]["surveys"].count_documents({}),
        }
    finally:
        await notify.close()
        await survey.close()
