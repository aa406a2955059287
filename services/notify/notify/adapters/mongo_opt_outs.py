"""Opt-outs, keyed by the HMAC of the E.164 number (the number itself is not stored). They do
not expire: a citizen who said stop stays opted out."""

from collections.abc import Collection
from datetime import datetime

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError


class MongoOptOutStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.collection = db["opt_outs"]

    async def is_opted_out(self, phone_key: str) -> bool:
        return await self.collection.find_one({"_id": phone_key}, projection={"_id": 1}) is not None

    async def opted_out_among(self, phone_keys: Collection[str]) -> set[str]:
        cursor = self.collection.find({"_id": {"$in": list(phone_keys)}}, projection={"_id": 1})
        return {doc["_id"] async for doc in cursor}

    async def add(self, phone_key: str, *, source: str, at: datetime, by: str | None) -> bool:
        try:
            await self.collection.insert_one(
                {"_id": phone_key, "source": source, "at": at, "by": by}
            )
        except DuplicateKeyError:
            return False
        return True
