"""One way to run a unit of work in a MongoDB transaction (every service uses it).

Rule: a state change, its idempotency record and its outbox event commit together or not at
all (Decree 118/2025/NĐ-CP on the one-stop electronic information system and Circular
03/2025/TT-VPCP: a dossier's record must match what the citizen was told). PyMongo's
`with_transaction` retries the whole unit on TransientTransactionError (e.g. a WriteConflict
with a concurrent transaction) and the commit on UnknownTransactionCommitResult, for up to
120 s; so `work` must only write through the session it is given and may run more than once.
The post-commit hook (e.g. waking an outbox relay) runs once, after the commit succeeded.
"""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession

T = TypeVar("T")

Work = Callable[[AsyncClientSession], Awaitable[T]]


async def run_in_transaction(
    client: AsyncMongoClient, work: Work[T], *, after_commit: Callable[[], None] | None = None
) -> T:
    """Run `work(session)` in one transaction, with PyMongo's retry rules; then `after_commit()`."""
    async with client.start_session() as session:
        result = await session.with_transaction(work)
    if after_commit is not None:
        after_commit()
    return result
