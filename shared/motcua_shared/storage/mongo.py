"""MongoDB connection helpers. PyMongo's own asyncio API (AsyncMongoClient) replaces Motor,
which MongoDB deprecated on 14 May 2026; the calls are the same."""

import asyncio
import logging
from typing import Any

from pymongo import AsyncMongoClient

from motcua_shared.storage.mongo_commands import listeners_from_env

log = logging.getLogger(__name__)


def mongo_client(url: str, **options: Any) -> AsyncMongoClient:
    # tz_aware: datetimes come back aware (UTC), as every motcua time must be.
    listeners = [*options.pop("event_listeners", []), *listeners_from_env()]
    return AsyncMongoClient(
        url, tz_aware=True, uuidRepresentation="standard", event_listeners=listeners, **options
    )


async def close_client(client: AsyncMongoClient, timeout: float = 3.0) -> None:
    """Close without hanging on a server that is already gone: close() ends the pooled
    sessions on the server and would wait out the whole server-selection timeout (30 s)."""
    try:
        async with asyncio.timeout(timeout):
            await client.close()
    except TimeoutError:
        log.warning("MongoDB did not answer while closing; sessions left to expire on the server")
