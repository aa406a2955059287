"""One MongoDB transaction around a state change and its outbox event."""

from typing import Any, Awaitable, Callable

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession


async def in_transaction(client: AsyncMongoClient, work: Callable[[AsyncClientSession], Awaitable[Any]]) -> Any:
    """Run `work(session)` in a transaction; with_transaction retries transient conflicts."""
    async with client.start_session() as session:
        return await session.with_transaction(work)
