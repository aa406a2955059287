"""A message's send history (each attempt, hold and receipt) and its provider ids, kept beside the
message log, one small document per step, inserted and never updated.

Why: the history was an array inside the message document, grown by a `$push` in each outcome's
update, and the provider id (Zalo msg_id, the gateway's SMS id) was indexed on the message.
SecantusDB rewrites a document and every one of its index entries on each update, so each claim
and each outcome paid for the growing array and for an index that only a receipt without our
tracking id ever reads. An insert costs a fraction of an update there (bench/notify_drain.py):
the steps now go here in the transaction of the change they describe, and the message document
keeps only what the dispatcher reads and writes. A receipt that names only the provider's id is
matched through the `provider_id` index here. The steps expire with the message log (TTL,
`expires_at`): personal data does not outlive it (Decree 13/2023/NĐ-CP art. 3, storage
limitation; no phone is stored here).
"""

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

LEGACY_PROVIDER_INDEX = "provider_id_1"


class MessageHistory:
    def __init__(self, collection: AsyncCollection, ttl: timedelta) -> None:
        self.collection, self.ttl = collection, ttl

    async def ensure_indexes(self, messages: AsyncCollection) -> None:
        await self.collection.create_index([("message_id", ASCENDING), ("at", ASCENDING)])
        await self.collection.create_index([("provider_id", ASCENDING)], sparse=True)
        await self.collection.create_index([("expires_at", ASCENDING)], expireAfterSeconds=0)
        if LEGACY_PROVIDER_INDEX in await messages.index_information():
            await self._move_legacy_provider_ids(messages)
            await messages.drop_index(LEGACY_PROVIDER_INDEX)

    async def _move_legacy_provider_ids(self, messages: AsyncCollection) -> None:
        """Once per installation upgraded from a log that indexed provider ids on the messages:
        each such id gets its step here (ids fixed per message, so a rerun adds nothing)."""
        docs = [
            {
                "_id": f"{doc['_id']}:provider",
                "message_id": doc["_id"],
                "at": doc.get("updated_at"),
                "event": "provider id (recorded before the history moved out)",
                "provider_id": doc["provider_id"],
                "expires_at": doc.get("expires_at"),
            }
            async for doc in messages.find(
                {"provider_id": {"$type": "string"}},
                {"provider_id": 1, "updated_at": 1, "expires_at": 1},
            )
        ]
        for start in range(0, len(docs), 1000):
            try:
                await self.collection.insert_many(docs[start : start + 1000], ordered=False)
            except BulkWriteError as exc:
                if any(e.get("code") != 11000 for e in exc.details.get("writeErrors", [])):
                    raise

    def step(
        self, message_id: str, created_at: datetime, note: dict[str, Any], provider_id: str | None
    ) -> dict[str, Any]:
        doc = {"message_id": message_id, **note, "expires_at": created_at + self.ttl}
        doc.setdefault("at", created_at)
        if provider_id is not None:
            doc["provider_id"] = provider_id
        return doc

    async def add(
        self, steps: Sequence[dict[str, Any]], session: AsyncClientSession | None = None
    ) -> None:
        if steps:
            await self.collection.insert_many(list(steps), ordered=True, session=session)

    async def of(self, message_ids: Collection[str]) -> dict[str, list[dict[str, Any]]]:
        """Each message's steps in time order (one `$in` read)."""
        found: dict[str, list[dict[str, Any]]] = {}
        cursor = self.collection.find(
            {"message_id": {"$in": list(message_ids)}}, {"_id": 0, "expires_at": 0}
        )
        async for doc in cursor:
            found.setdefault(doc.pop("message_id"), []).append(doc)
        for steps in found.values():
            steps.sort(key=lambda s: s["at"])
            for s in steps:
                if s.get("provider_id") is None:
                    s.pop("provider_id", None)
        return found

    async def messages_of(self, provider_ids: Collection[str]) -> dict[str, str]:
        """Provider id -> our message id, in one `$in` read."""
        cursor = self.collection.find(
            {"provider_id": {"$in": list(provider_ids)}}, {"provider_id": 1, "message_id": 1}
        )
        return {doc["provider_id"]: doc["message_id"] async for doc in cursor}
