"""Messages by status, kept as counters beside the log, so that reading them costs the same with
a hundred or ten million messages in it.

Why: `/metrics` counted each status over the log (`count_documents`), and a count on SecantusDB
fetches every document its index range matches: the refresh grew with the 90-day log. Now each
status change adds its +1/-1 to a counter document in the transaction of the change. Counters
are kept per (day the message was made, UTC; status), and each expires with that day's messages
(TTL, a day after the last of them), so the totals are over the log's window, to the day.
`pending` is queued or sending (a claim, a release or a retry moves nothing here); how many are
`sending` is counted from the (status, queue_pos, not_before) index, which holds only the claims
in flight, and queued = pending - sending.

A transaction never updates a shared counter: it inserts its merged changes as one **delta**
document (collection `message_count_deltas`), which conflicts with nothing. Before, each
transaction incremented the counter documents themselves (split in 4 shards), and the consumer's
transactions, the dispatcher's lanes and every delivery receipt wrote the same few documents at
once: SecantusDB aborted one of each such pair (a WriteConflict, then the whole transaction again;
measured: 310 conflicts on `message_counts` for 40 dossiers in bench/end_to_end.py). The deltas
are **folded** into the counters by the metrics refresh (`by_status`, every
`METRICS_REFRESH_SECONDS`), the only writer of the counters: one transaction reads up to
`FOLD_CHUNK` deltas, adds them to the counters and deletes them, so the deltas waiting are at most
one refresh interval's transactions and a read stays flat.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, AsyncMongoClient, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from motcua_shared.storage.transactions import run_in_transaction

from notify.domain.message import Status

PENDING = "pending"
FOLD_CHUNK = 1000
_SEEDED = "seeded"  # marker: the counters were made from the log once (an upgraded installation)


def bucket(status: Status | str | None) -> str | None:
    if status is None:
        return None
    value = Status(status)
    return PENDING if value in (Status.QUEUED, Status.SENDING) else value.value


class MessageCounts:
    def __init__(
        self, collection: AsyncCollection, ttl: timedelta, deltas: AsyncCollection | None = None
    ) -> None:
        self.collection, self.ttl = collection, ttl
        self.deltas = deltas if deltas is not None else collection.database["message_count_deltas"]

    async def ensure_indexes(self, messages: AsyncCollection, transaction: Any) -> None:
        await self.collection.create_index([("expires_at", ASCENDING)], expireAfterSeconds=0)
        await self.deltas.create_index([("expires_at", ASCENDING)], expireAfterSeconds=0)
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
        merged per counter, inserted as one delta document (an insert: it conflicts with no
        other transaction), folded into the counters later (`fold`)."""
        merged: dict[tuple[str, str], int] = {}
        for created_at, before, after in changes:
            old, new = bucket(before), bucket(after)
            if old == new:
                continue
            day = created_at.strftime("%Y-%m-%d")
            for name, delta in ((old, -1), (new, 1)):
                if name is not None:
                    merged[(day, name)] = merged.get((day, name), 0) + delta
        entries = [{"day": d, "status": name, "n": n} for (d, name), n in merged.items() if n]
        if entries:
            last = max(d for (d, _name), n in merged.items() if n)
            await self.deltas.insert_one(
                {"changes": entries, "expires_at": self._expiry(last)}, session=session
            )

    async def fold(self, client: AsyncMongoClient) -> int:
        """Add the waiting deltas to the counters and delete them, `FOLD_CHUNK` at a time, each
        chunk in one transaction (run again whole if another replica folds the same ones: it
        then finds them gone). Returns how many were folded."""
        folded = 0
        while True:
            chunk: list[Any] = []

            async def write(session: AsyncClientSession, chunk: list[Any] = chunk) -> None:
                chunk.clear()
                docs = await self.deltas.find({}, session=session).limit(FOLD_CHUNK).to_list(None)
                chunk.extend(doc["_id"] for doc in docs)
                if not docs:
                    return
                merged: dict[tuple[str, str], int] = {}
                for doc in docs:
                    for change in doc["changes"]:
                        key = (change["day"], change["status"])
                        merged[key] = merged.get(key, 0) + int(change["n"])
                updates = self._updates({key: n for key, n in merged.items() if n})
                if updates:
                    await self.collection.bulk_write(updates, ordered=False, session=session)
                await self.deltas.delete_many({"_id": {"$in": chunk}}, session=session)

            await run_in_transaction(client, write)
            folded += len(chunk)
            if len(chunk) < FOLD_CHUNK:
                return folded

    def _expiry(self, day: str) -> datetime:
        return datetime.fromisoformat(f"{day}T00:00:00+00:00") + self.ttl + timedelta(days=1)

    def _updates(self, changes: dict[tuple[str, str], int], shard: int = 0) -> list[UpdateOne]:
        updates = []
        for (day, name), n in changes.items():
            expires_at = self._expiry(day)
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
        documents; old installations kept 4 shards, new deltas fold into shard 0) once the
        waiting deltas are folded in, and the claims in flight."""
        await self.fold(messages.database.client)
        totals: dict[str, int] = {}
        async for doc in self.collection.find({"_id": {"$ne": _SEEDED}}, {"status": 1, "n": 1}):
            totals[doc["status"]] = totals.get(doc["status"], 0) + int(doc["n"])
        sending = await messages.count_documents({"status": Status.SENDING.value})
        counts = {status.value: totals.get(status.value, 0) for status in Status}
        counts[Status.SENDING.value] = sending
        counts[Status.QUEUED.value] = max(totals.get(PENDING, 0) - sending, 0)
        return counts
