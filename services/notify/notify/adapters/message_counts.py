"""Messages by status, kept as counters beside the log, so that reading them costs the same with
a hundred or ten million messages in it.

Why: `/metrics` counted each status over the log (`count_documents`), and a count on SecantusDB
fetches every document its index range matches: the refresh grew with the 90-day log. Now each
status change adds its +1/-1 to a counter document in the transaction of the change. Counters
are kept per (day the message was made, UTC; status), and each expires with that day's messages
(TTL, a day after the last of them), so the totals are over the log's window, to the day.
`pending` is queued or sending (a claim, a release or a retry moves nothing here); how many are
`sending` is counted from the (status, queue_pos, not_before) index, which holds only the claims
in flight, and queued = pending - sending. Each counter is split in `SHARDS` documents, one picked
at random per transaction: the consumer's transactions and the dispatcher's lanes change the same
counters at once, and two transactions writing one document conflict (one is retried whole).
"""

import random
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from notify.domain.message import Status

PENDING = "pending"
SHARDS = 4
_SEEDED = "seeded"  # marker: the counters were made from the log once (an upgraded installation)


def bucket(status: Status | str | None) -> str | None:
    if status is None:
        return None
    value = Status(status)
    return PENDING if value in (Status.QUEUED, Status.SENDING) else value.value


class MessageCounts:
    def __init__(self, collection: AsyncCollection, ttl: timedelta) -> None:
        self.collection, self.ttl = collection, ttl

    async def ensure_indexes(self, messages: AsyncCollection, transaction: Any) -> None:
        await self.collection.create_index([("expires_at", ASCENDING)], expireAfterSeconds=0)
        if await self.collection.find_one({"_id": _SEEDED}) is not None:
            return

        async def seed(session: AsyncClientSession) -> None:
            """Once per installation: counters for the messages the log holds already."""
            await self.collection.insert_one({"_id": _SEEDED}, session=session)
            changes: dict[tuple[str, str], int] = {}
            async for doc in messages.find({}, {"created_at": 1, "status": 1}, session=session):
                key = (doc["created_at"].strftime("%Y-%m-%d"), bucket(doc["status"]) or "")
                changes[key] = changes.get(key, 0) + 1
            if changes:
                await self.collection.bulk_write(
                    self._updates(changes), ordered=False, session=session
                )

        try:
            await transaction(seed)
        except DuplicateKeyError:  # another replica seeded them first
            pass

    async def apply(
        self,
        changes: Iterable[tuple[datetime, Status | None, Status | None]],
        session: AsyncClientSession,
    ) -> None:
        """Status changes (the message's creation time, from, to), in the caller's transaction:
        one bulk write, increments to the same counter merged first."""
        merged: dict[tuple[str, str], int] = {}
        for created_at, before, after in changes:
            old, new = bucket(before), bucket(after)
            if old == new:
                continue
            day = created_at.strftime("%Y-%m-%d")
            for name, delta in ((old, -1), (new, 1)):
                if name is not None:
                    merged[(day, name)] = merged.get((day, name), 0) + delta
        updates = self._updates(
            {key: n for key, n in merged.items() if n}, shard=random.randrange(SHARDS)
        )
        if updates:
            await self.collection.bulk_write(updates, ordered=False, session=session)

    def _updates(self, changes: dict[tuple[str, str], int], shard: int = 0) -> list[UpdateOne]:
        updates = []
        for (day, name), n in changes.items():
            expires_at = (
                datetime.fromisoformat(f"{day}T00:00:00+00:00") + self.ttl + timedelta(days=1)
            )
            updates.append(
                UpdateOne(
                    {"_id": f"{day}:{name}:{shard}"},
                    {
                        "$inc": {"n": n},
                        "$setOnInsert": {"day": day, "status": name, "expires_at": expires_at},
                    },
                    upsert=True,
                )
            )
        return updates

    async def by_status(self, messages: AsyncCollection) -> dict[str, int]:
        """Every status's count: the counters (per day, status and shard: at most 4 × 91 × 4
        documents) and the claims in flight."""
        totals: dict[str, int] = {}
        async for doc in self.collection.find({"_id": {"$ne": _SEEDED}}, {"status": 1, "n": 1}):
            totals[doc["status"]] = totals.get(doc["status"], 0) + int(doc["n"])
        sending = await messages.count_documents({"status": Status.SENDING.value})
        counts = {status.value: totals.get(status.value, 0) for status in Status}
        counts[Status.SENDING.value] = sending
        counts[Status.QUEUED.value] = max(totals.get(PENDING, 0) - sending, 0)
        return counts
