"""Surveys in MongoDB: `surveys` (one per dossier), `processed_events` (idempotent consuming) and
`survey_contacts`: the phone of a citizen who consented, kept beside an open survey only in case
an unhappy answer must be answered; deleted with the answer, or by a TTL index when the link
expires (Decree 13/2023/NĐ-CP: only while needed). A batch of openings is one transaction: one
`$in` read each, then bulk inserts."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from motcua_shared.contract.envelope import Envelope
from motcua_shared.contract.event_base import CitizenContact
from motcua_shared.contract.survey_events import SatisfactionLevel
from motcua_shared.messaging.outbox import Outbox
from motcua_shared.storage.transactions import run_in_transaction
from motcua_shared.vietnam.timeutil import as_utc

from survey.adapters.mongo_follow_ups import insert_follow_up
from survey.app.ports import NewFollowUp, Opening
from survey.domain.survey import Answer, Survey, SurveySubject


class _NoLongerOpen(Exception):
    """Aborts the answer's transaction: another answer got there first."""


class MongoSurveyRepository:
    def __init__(self, db: AsyncDatabase, outbox: Outbox) -> None:
        self.db, self.client = db, db.client
        self.surveys = db["surveys"]
        self.contacts = db["survey_contacts"]
        self.processed = db["processed_events"]
        self.outbox = outbox

    async def ensure_indexes(self) -> None:
        await self.surveys.create_index([("token", ASCENDING)], unique=True)
        await self.surveys.create_index([("dossier_code", ASCENDING)], unique=True)
        await self.surveys.create_index([("unit_code", ASCENDING), ("answered_at", ASCENDING)])
        await self.contacts.create_index([("expires_at", ASCENDING)], expireAfterSeconds=0)

    async def open_many(self, openings: Sequence[Opening]) -> list[Survey]:
        stored: list[Survey] = []

        async def write(session: Any) -> None:
            stored.clear()  # a retried transaction starts again
            ids = [o.processed_event_id for o in openings]
            codes = [o.survey.subject.dossier_code for o in openings]
            done = {
                doc["_id"]
                async for doc in self.processed.find(
                    {"_id": {"$in": ids}}, {"_id": 1}, session=session
                )
            }
            have = {
                doc["dossier_code"]
                async for doc in self.surveys.find(
                    {"dossier_code": {"$in": codes}}, {"dossier_code": 1}, session=session
                )
            }
            for opening in openings:
                code = opening.survey.subject.dossier_code
                if opening.processed_event_id in done or code in have:
                    continue
                done.add(opening.processed_event_id)
                have.add(code)
                stored.append(opening.survey)
            if stored:
                kept = {s.survey_id for s in stored}
                # One write for the batch's SurveyOpened events, in the batch's order.
                await self.outbox.add_many(
                    [o.opened for o in openings if o.survey.survey_id in kept], session=session
                )
                # Both unique: a competing replica that opened one meanwhile fails this
                # transaction (nothing stored) and the consumer splits the batch to retry.
                await self.processed.insert_many(
                    [
                        {"_id": o.processed_event_id, "at": o.survey.opened_at}
                        for o in openings
                        if o.survey.survey_id in kept
                    ],
                    session=session,
                )
                await self.surveys.insert_many([_document(s) for s in stored], session=session)
                contacts = [
                    {
                        "_id": o.survey.survey_id,
                        **o.contact.model_dump(mode="json"),
                        "expires_at": o.survey.expires_at,
                    }
                    for o in openings
                    if o.contact is not None and o.survey.survey_id in kept
                ]
                if contacts:
                    await self.contacts.insert_many(contacts, session=session)

        await run_in_transaction(self.client, write)
        return list(stored)

    async def contact_for(self, survey_id: str) -> CitizenContact | None:
        doc = await self.contacts.find_one({"_id": survey_id}, {"_id": 0, "expires_at": 0})
        return CitizenContact.model_validate(doc) if doc else None

    async def by_token(self, token: str) -> Survey | None:
        doc = await self.surveys.find_one({"token": token})
        return _survey(doc) if doc else None

    async def by_dossier(self, dossier_code: str) -> Survey | None:
        doc = await self.surveys.find_one({"dossier_code": dossier_code})
        return _survey(doc) if doc else None

    async def record_answer(
        self, survey: Survey, answered: Envelope[Any], follow_up: NewFollowUp | None = None
    ) -> bool:
        answer = survey.answer
        assert answer is not None

        async def write(session: Any) -> None:
            result = await self.surveys.update_one(
                {"_id": survey.survey_id, "answer": None},
                {"$set": {"answer": _answer_document(answer), "answered_at": answer.answered_at}},
                session=session,
            )
            if result.modified_count != 1:
                raise _NoLongerOpen(survey.survey_id)
            await self.outbox.add(answered, session=session)
            await self.contacts.delete_one(
                {"_id": survey.survey_id}, session=session
            )  # answered: no longer needed
            if follow_up is not None:
                await insert_follow_up(self.db, self.outbox, follow_up, session)

        try:
            await run_in_transaction(self.client, write)
        except _NoLongerOpen:
            return False
        return True

    async def answered_between(
        self, unit_code: str, start: datetime, end: datetime
    ) -> list[Survey]:
        query = {"unit_code": unit_code, "answered_at": {"$gte": start, "$lt": end}}
        cursor = self.surveys.find(query).sort("answered_at", ASCENDING)
        return [_survey(doc) async for doc in cursor]

    async def unit_name(self, unit_code: str) -> str | None:
        doc = await self.surveys.find_one({"unit_code": unit_code}, {"unit_name": 1})
        return doc["unit_name"] if doc else None


def _document(survey: Survey) -> dict[str, Any]:
    subject = survey.subject
    return {
        "_id": survey.survey_id,
        "token": survey.token,
        "dossier_code": subject.dossier_code,
        "unit_code": subject.unit_code,
        "unit_name": subject.unit_name,
        "province_code": subject.province_code,
        "procedure_code": subject.procedure_code,
        "procedure_name": subject.procedure_name,
        "field_code": subject.field_code,
        "officer_id": subject.officer_id,
        "opened_at": survey.opened_at,
        "expires_at": survey.expires_at,
        "correlation_id": survey.correlation_id,
        "answer": _answer_document(survey.answer) if survey.answer else None,
        "answered_at": survey.answer.answered_at if survey.answer else None,
    }


def _answer_document(answer: Answer) -> dict[str, Any]:
    return {
        "level": answer.level.value,
        "comment": answer.comment,
        "channel": answer.channel,
        "answered_at": answer.answered_at,
        "answered_by": answer.answered_by,
    }


def _survey(doc: dict[str, Any]) -> Survey:
    subject = SurveySubject(
        dossier_code=doc["dossier_code"],
        unit_code=doc["unit_code"],
        unit_name=doc["unit_name"],
        province_code=doc["province_code"],
        procedure_code=doc["procedure_code"],
        procedure_name=doc["procedure_name"],
        field_code=doc["field_code"],
        officer_id=doc["officer_id"],
    )
    answer = doc.get("answer")
    return Survey(
        survey_id=doc["_id"],
        token=doc["token"],
        subject=subject,
        opened_at=as_utc(doc["opened_at"]),
        expires_at=as_utc(doc["expires_at"]),
        correlation_id=doc["correlation_id"],
        answer=Answer(
            level=SatisfactionLevel(answer["level"]),
            comment=answer.get("comment"),
            channel=answer["channel"],
            answered_at=as_utc(answer["answered_at"]),
            answered_by=answer.get("answered_by"),
        )
        if answer
        else None,
    )
