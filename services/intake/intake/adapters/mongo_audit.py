"""Who read a citizen's files and personal fields, when (collection `access_audit`), so the
citizen can be told (Decree 13/2023/NĐ-CP on personal data: the data subject's right to know
how their data is processed; Decree 118/2025/NĐ-CP on the dossier's records)."""

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection


class MongoAccessAudit:
    def __init__(self, collection: AsyncCollection) -> None:
        self.collection = collection

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("dossier_code", ASCENDING), ("at", DESCENDING)])

    async def record(self, dossier_code: str, who: str, what: str, at: datetime) -> None:
        await self.collection.insert_one(
            {"dossier_code": dossier_code, "who": who, "what": what, "at": at}
        )

    async def list(self, dossier_code: str, limit: int = 100) -> list[dict[str, Any]]:
        cursor = self.collection.find({"dossier_code": dossier_code}, {"_id": 0, "dossier_code": 0})
        return await cursor.sort("at", DESCENDING).limit(limit).to_list()
