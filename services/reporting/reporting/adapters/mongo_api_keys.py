"""API keys in the reporting database: the hash, never the key."""

from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from motcua_shared.vietnam.timeutil import as_utc

from reporting.adapters.mongo_collections import API_KEYS
from reporting.app.api_keys import ApiKeyRecord
from reporting.domain.scope import AccessScope


def _record(doc: dict[str, Any]) -> ApiKeyRecord:
    scope = AccessScope(province=doc.get("province"), units=frozenset(doc.get("units") or ()))
    revoked = doc.get("revoked_at")
    return ApiKeyRecord(
        doc["_id"],
        doc["name"],
        scope,
        as_utc(doc["created_at"]),
        as_utc(revoked) if revoked else None,
    )


class MongoApiKeyRepository:
    def __init__(self, db: AsyncDatabase) -> None:
        self.collection = db[API_KEYS]

    async def insert(self, record: ApiKeyRecord, key_hash: str) -> None:
        await self.collection.insert_one(
            {
                "_id": record.key_id,
                "name": record.name,
                "hash": key_hash,
                "province": record.scope.province,
                "units": sorted(record.scope.units),
                "created_at": record.created_at,
                "revoked_at": None,
            }
        )

    async def find_by_hash(self, key_hash: str) -> ApiKeyRecord | None:
        doc = await self.collection.find_one({"hash": key_hash})
        return _record(doc) if doc else None

    async def all(self) -> list[ApiKeyRecord]:
        return [_record(doc) async for doc in self.collection.find().sort("created_at", ASCENDING)]

    async def revoke(self, key_id: str, at: datetime) -> bool:
        result = await self.collection.update_one(
            {"_id": key_id, "revoked_at": None}, {"$set": {"revoked_at": at}}
        )
        return result.modified_count == 1
