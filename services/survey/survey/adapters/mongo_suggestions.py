"""The suggestion box in MongoDB: `suggestions`, with no trace of who sent them."""

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from motcua_shared.contract.envelope import Envelope
from motcua_shared.messaging.outbox import Outbox
from motcua_shared.storage.transactions import run_in_transaction
from motcua_shared.vietnam.timeutil import as_utc

from survey.adapters.mongo_follow_ups import insert_follow_up
from survey.app.ports import NewFollowUp
from survey.domain.suggestion import Suggestion


class MongoSuggestionRepository:
    def __init__(self, db: AsyncDatabase, outbox: Outbox) -> None:
        self.db, self.client = db, db.client
        self.suggestions = db["suggestions"]
        self.outbox = outbox

    async def ensure_indexes(self) -> None:
        await self.suggestions.create_index([("unit_code", ASCENDING), ("submitted_at", ASCENDING)])

    async def add(
        self, suggestion: Suggestion, submitted: Envelope[Any], follow_up: NewFollowUp | None = None
    ) -> None:
        async def write(session: Any) -> None:
            await self.suggestions.insert_one(_document(suggestion), session=session)
            await self.outbox.add(submitted, session=session)
            if follow_up is not None:
                await insert_follow_up(self.db, self.outbox, follow_up, session)

        await run_in_transaction(self.client, write)

    async def for_unit(
        self, unit_code: str, start: datetime | None, end: datetime | None, limit: int
    ) -> list[Suggestion]:
        query: dict[str, Any] = {"unit_code": unit_code}
        if start is not None and end is not None:
            query["submitted_at"] = {"$gte": start, "$lt": end}
        cursor = self.suggestions.find(query).sort("submitted_at", DESCENDING).limit(limit)
        return [_suggestion(doc) async for doc in cursor]


def _document(suggestion: Suggestion) -> dict[str, Any]:
    return {
        "_id": suggestion.suggestion_id,
        "unit_code": suggestion.unit_code,
        "text": suggestion.text,
        "officer": suggestion.officer,
        "contact": suggestion.contact,
        "submitted_at": suggestion.submitted_at,
    }


def _suggestion(doc: dict[str, Any]) -> Suggestion:
    return Suggestion(
        suggestion_id=doc["_id"],
        unit_code=doc["unit_code"],
        text=doc["text"],
        officer=doc.get("officer"),
        contact=doc.get("contact"),
        submitted_at=as_utc(doc["submitted_at"]),
    )
