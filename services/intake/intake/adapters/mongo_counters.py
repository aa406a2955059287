"""Small counters kept in MongoDB (e.g. verifications of QR tokens per day and outcome):
one document per key, incremented with an upsert; and the unit's online payments as kept by
the gateway callback (app/fees.py: Decree 118/2025/NĐ-CP, fees collected online)."""

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection


class MongoCounter:
    def __init__(self, collection: AsyncCollection) -> None:
        self.collection = collection

    async def increment(self, key: dict[str, str]) -> None:
        await self.collection.update_one({"_id": key}, {"$inc": {"count": 1}}, upsert=True)

    async def totals(self) -> list[dict[str, Any]]:
        return [{**d["_id"], "count": d["count"]} for d in await self.collection.find().to_list()]


class MongoPaymentBook:
    def __init__(self, collection: AsyncCollection) -> None:
        self.collection = collection

    async def list(self, unit_code: str, status: str | None) -> list[dict[str, Any]]:
        query: dict[str, Any] = {"unit_code": unit_code} | ({"status": status} if status else {})
        return await self.collection.find(query, {"_id": 0}).sort("at", -1).limit(500).to_list()
