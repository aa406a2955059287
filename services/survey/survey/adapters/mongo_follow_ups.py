"""Follow-ups in MongoDB: `follow_ups`, one per unhappy answer or suggestion with a contact.

Inserted in the transaction of what opened them (`insert_follow_up`); the answer is a
conditional update (`response: null`) that also erases the contact, here and on the
suggestion, in one transaction with FeedbackAnswered.
"""

from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from motcua_shared.contract.event_base import CitizenContact
from motcua_shared.contract.feedback_events import FeedbackSource
from motcua_shared.messaging.outbox import Outbox
from motcua_shared.storage.transactions import run_in_transaction
from motcua_shared.vietnam.timeutil import as_utc

from survey.app.ports import NewFollowUp
from survey.domain.follow_up import FeedbackResponse, FollowUp

FOLLOW_UPS = "follow_ups"


class _NoLongerOpen(Exception):
    """Aborts the response's transaction: another answer got there first."""


async def insert_follow_up(
    db: AsyncDatabase, outbox: Outbox, new: NewFollowUp, session: AsyncClientSession
) -> None:
    follow_up, opened = new
    await db[FOLLOW_UPS].insert_one(_document(follow_up), session=session)
    await outbox.add(opened, session=session)


class MongoFollowUpRepository:
    def __init__(self, db: AsyncDatabase, outbox: Outbox) -> None:
        self.db, self.client = db, db.client
        self.follow_ups = db[FOLLOW_UPS]
        self.outbox = outbox

    async def ensure_indexes(self) -> None:
        # Open ones by deadline; answered/all newest first: both served by an index, never a scan.
        await self.follow_ups.create_index(
            [("unit_code", ASCENDING), ("answered", ASCENDING), ("due_at", ASCENDING)]
        )
        await self.follow_ups.create_index([("unit_code", ASCENDING), ("opened_at", DESCENDING)])

    async def by_id(self, follow_up_id: str) -> FollowUp | None:
        doc = await self.follow_ups.find_one({"_id": follow_up_id})
        return _follow_up(doc) if doc else None

    async def for_unit(self, unit_code: str, status: str, limit: int) -> list[FollowUp]:
        if status == "open":
            cursor = self.follow_ups.find({"unit_code": unit_code, "answered": False}).sort(
                "due_at", ASCENDING
            )
        else:
            query: dict[str, Any] = {"unit_code": unit_code}
            if status == "answered":
                query["answered"] = True
            cursor = self.follow_ups.find(query).sort("opened_at", DESCENDING)
        return [_follow_up(doc) async for doc in cursor.limit(limit)]

    async def record_response(self, answered: FollowUp, event: Any) -> bool:
        response = answered.response
        assert response is not None

        async def write(session: AsyncClientSession) -> None:
            result = await self.follow_ups.update_one(
                {"_id": answered.follow_up_id, "answered": False},
                {
                    "$set": {
                        "answered": True,
                        "response": _response_document(response),
                        "contact": None,
                        "citizen_told": answered.citizen_told,
                    }
                },
                session=session,
            )
            if result.modified_count != 1:
                raise _NoLongerOpen(answered.follow_up_id)
            if (
                answered.source == FeedbackSource.SUGGESTION
            ):  # the citizen is answered: the contact goes
                await self.db["suggestions"].update_one(
                    {"_id": answered.source_id}, {"$set": {"contact": None}}, session=session
                )
            await self.outbox.add(event, session=session)

        try:
            await run_in_transaction(self.client, write)
        except _NoLongerOpen:
            return False
        return True


def _document(follow_up: FollowUp) -> dict[str, Any]:
    contact = follow_up.contact
    return {
        "_id": follow_up.follow_up_id,
        "unit_code": follow_up.unit_code,
        "unit_name": follow_up.unit_name,
        "province_code": follow_up.province_code,
        "source": follow_up.source.value,
        "source_id": follow_up.source_id,
        "dossier_code": follow_up.dossier_code,
        "feedback": follow_up.feedback,
        "opened_at": follow_up.opened_at,
        "due_at": follow_up.due_at,
        "correlation_id": follow_up.correlation_id,
        "contact": contact.model_dump(mode="json") if contact else None,
        "answered": follow_up.response is not None,
        "citizen_told": follow_up.citizen_told,
        "response": _response_document(follow_up.response) if follow_up.response else None,
    }


def _response_document(response: FeedbackResponse) -> dict[str, Any]:
    return {"action": response.action, "by": response.by, "answered_at": response.answered_at}


def _follow_up(doc: dict[str, Any]) -> FollowUp:
    response = doc.get("response")
    return FollowUp(
        follow_up_id=doc["_id"],
        unit_code=doc["unit_code"],
        unit_name=doc.get("unit_name"),
        province_code=doc.get("province_code"),
        source=FeedbackSource(doc["source"]),
        source_id=doc["source_id"],
        dossier_code=doc.get("dossier_code"),
        feedback=doc.get("feedback"),
        opened_at=as_utc(doc["opened_at"]),
        due_at=as_utc(doc["due_at"]),
        correlation_id=doc["correlation_id"],
        contact=CitizenContact.model_validate(doc["contact"]) if doc.get("contact") else None,
        response=FeedbackResponse(
            response["action"], response["by"], as_utc(response["answered_at"])
        )
        if response
        else None,
        citizen_told=doc.get("citizen_told", False),
    )
