"""Work-list queries over `dossiers`: one indexed find per list, at most `limit` rows, only the
fields a row shows (the citizen's name and phone stay for the officer of the unit)."""

from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from intake.adapters.mongo_documents import from_document
from intake.domain.dossier import Dossier
from intake.domain.worklists import ListFilter

LIMIT = 200


def _query(spec: ListFilter) -> dict[str, Any]:
    query: dict[str, Any] = {"unit_code": spec.unit}
    if spec.statuses is not None:
        query["status"] = {"$in": [s.value for s in spec.statuses]}
    if spec.officer is not None:
        query["current_officer_id"] = spec.officer
    if spec.received_from or spec.received_before:
        query["received_at"] = {
            k: v for k, v in (("$gte", spec.received_from), ("$lte", spec.received_before)) if v
        }
    if spec.due_from or spec.due_before:
        query["due_at"] = {
            k: v for k, v in (("$gte", spec.due_from), ("$lt", spec.due_before)) if v
        }
    if spec.visit_from and spec.visit_before:  # dates are stored as ISO strings: they sort as dates
        query["home_visits.visit_date"] = {
            "$gte": spec.visit_from.isoformat(),
            "$lt": spec.visit_before.isoformat(),
        }
    return query


class MongoWorkLists:
    def __init__(self, db: AsyncDatabase) -> None:
        self.db = db

    async def ensure_indexes(self) -> None:
        await self.db.dossiers.create_index([("unit_code", ASCENDING), ("received_at", ASCENDING)])
        await self.db.dossiers.create_index(
            [("unit_code", ASCENDING), ("current_officer_id", ASCENDING)]
        )
        await self.db.dossiers.create_index(
            [("unit_code", ASCENDING), ("citizen.phone", ASCENDING)]
        )
        await self.db.dossiers.create_index(
            [("unit_code", ASCENDING), ("home_visits.visit_date", ASCENDING)]
        )

    async def find(self, spec: ListFilter, limit: int = LIMIT) -> list[Dossier]:
        return await self._rows(_query(spec), limit)

    async def search(
        self, unit: str, code: str | None, phone: str | None, limit: int = LIMIT
    ) -> list[Dossier]:
        query: dict[str, Any] = {"unit_code": unit}
        if code:
            query["_id"] = code
        if phone:
            query["citizen.phone"] = phone
        return await self._rows(query, limit)

    async def _rows(self, query: dict[str, Any], limit: int) -> list[Dossier]:
        cursor = (
            self.db.dossiers.find(query)
            .sort([("due_at", ASCENDING), ("_id", ASCENDING)])
            .limit(limit)
        )
        return [from_document(Dossier, d) async for d in cursor]
