"""Failed public look-ups per client and per dossier code, in MongoDB so every replica of intake
sees the same counts; a TTL index removes them once the longer window has passed. Both keys are
hashes (an address is personal data)."""

from datetime import datetime, timedelta

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection


class MongoLookupGuard:
    def __init__(
        self,
        collection: AsyncCollection,
        max_failures: int,
        window_seconds: int,
        code_max_failures: int = 10,
        code_window_seconds: int = 3600,
    ) -> None:
        self.collection = collection
        self.max_failures, self.window = max_failures, timedelta(seconds=window_seconds)
        self.code_max_failures, self.code_window = (
            code_max_failures,
            timedelta(seconds=code_window_seconds),
        )

    async def ensure_indexes(self) -> None:
        longest = max(self.window, self.code_window)
        await self.collection.create_index(
            [("at", ASCENDING)], expireAfterSeconds=int(longest.total_seconds())
        )
        await self.collection.create_index([("client", ASCENDING), ("at", ASCENDING)])
        await self.collection.create_index([("code", ASCENDING), ("at", ASCENDING)])

    async def blocked(self, client: str, code: str, now: datetime) -> int | None:
        # The TTL monitor runs about once a minute: count only the windows, not what is left.
        by_client = await self._recent({"client": client}, now - self.window, self.max_failures)
        by_code = await self._recent({"code": code}, now - self.code_window, self.code_max_failures)
        waits = [
            int((at + window - now).total_seconds()) + 1
            for at, window in ((by_client, self.window), (by_code, self.code_window))
            if at is not None
        ]
        return max(waits) if waits else None

    async def _recent(self, key: dict[str, str], since: datetime, limit: int) -> datetime | None:
        """When the limit is reached: the time of the failure whose expiry lifts the block."""
        cursor = (
            self.collection.find(key | {"at": {"$gt": since}}, {"at": 1})
            .sort("at", -1)
            .limit(limit)
        )
        failures = await cursor.to_list(length=limit)
        return failures[-1]["at"] if len(failures) >= limit else None

    async def record_failure(self, client: str, code: str, now: datetime) -> None:
        await self.collection.insert_one({"client": client, "code": code, "at": now})
