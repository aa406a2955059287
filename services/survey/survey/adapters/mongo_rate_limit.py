"""A sliding-window rate limit in MongoDB, keyed by a keyed hash of the client's address.

The address itself is never stored: only HMAC-SHA256(secret, address), which cannot be reversed
by trying every IPv4 address without the secret, and each hit expires with a TTL index.
"""

import hashlib
import hmac
from datetime import datetime, timedelta

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection


class MongoRateLimiter:
    def __init__(
        self, collection: AsyncCollection, *, limit: int, window: timedelta, secret: str
    ) -> None:
        self.hits = collection
        self.limit, self.window = limit, window
        self.secret = secret.encode()

    async def ensure_indexes(self) -> None:
        await self.hits.create_index([("key", ASCENDING), ("at", ASCENDING)])
        await self.hits.create_index([("expires_at", ASCENDING)], expireAfterSeconds=0)

    async def hit(self, client: str, now: datetime) -> bool:
        # Record first, then count: concurrent floods cannot all slip under the limit, and
        # refused attempts count too, so a flood stays refused until it stops.
        key = hmac.new(self.secret, client.encode(), hashlib.sha256).hexdigest()
        await self.hits.insert_one({"key": key, "at": now, "expires_at": now + self.window})
        recent = await self.hits.count_documents({"key": key, "at": {"$gt": now - self.window}})
        return recent <= self.limit
