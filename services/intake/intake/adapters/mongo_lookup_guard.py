"""Failed public look-ups per client, in MongoDB so every replica of intake sees the same
count; a TTL index removes them once the window has passed."""

from datetime import datetime, timedelta

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection


class MongoLookupGuard:
    def __init__(self, collection: AsyncCollection, max_failures: int, window_seconds: int) -> None:
        self.collection, self.max_failures = collection, max_failures
        self.window = timedelta(seconds=window_seconds)

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("at", ASCENDING)], expireAfterSeconds=int(self.window.total_seconds()))
        await self.collection.create_index([("client", ASCENDING), ("at", ASCENDING)])

    async def blocked(self, client: str, now: datetime) -> bool:
        # The TTL monitor runs about once a minute: count only the window, not what is left.
        recent = await self.collection.count_documents({"client": client, "at": {"$gt": now - self.window}})
        return recent >= self.max_failures

    async def record_failure(self, client: str, now: datetime) -> None:
        await self.collection.insert_one({"client": client, "at": now})
