"""The projection store on MongoDB: each event's changes and its processed-event record are
written in one multi-document transaction."""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.asynchronous.mongo_client import AsyncMongoClient

from motcua_shared.transactions import run_in_transaction

from reporting.adapters import collections as c
from reporting.adapters import documents as d
from reporting.app.ports import ParkedEvent, ProjectionTx
from reporting.domain.counts import CountChange
from reporting.domain.dossier import DossierState
from reporting.domain.satisfaction import SurveyAnswer

T = TypeVar("T")


class MongoProjectionTx:
    def __init__(self, db: AsyncDatabase, session: AsyncClientSession) -> None:
        self.db, self.s = db, session

    async def is_processed(self, event_id: str) -> bool:
        return await self.db[c.PROCESSED_EVENTS].find_one({"_id": event_id}, {"_id": 1}, session=self.s) is not None

    async def mark_processed(self, event_id: str, at: datetime) -> None:
        await self.db[c.PROCESSED_EVENTS].insert_one({"_id": event_id, "at": at}, session=self.s)

    async def load_dossier(self, code: str) -> DossierState | None:
        doc = await self.db[c.DOSSIERS].find_one({"_id": code}, session=self.s)
        return d.dossier_state(doc) if doc else None

    async def save_dossier(self, state: DossierState, changes: list[CountChange], *, new: bool) -> None:
        await self.db[c.DOSSIERS].replace_one({"_id": state.code}, d.dossier_doc(state), upsert=True, session=self.s)
        if new:
            await self.db[c.UNITS].update_one(
                {"_id": state.unit_code},
                {"$set": {"province_code": state.province_code, "unit_name": state.unit_name}},
                upsert=True, session=self.s,
            )
        for (grain, doc_id), (inc, labels) in d.counter_updates(state, changes).items():
            collection = c.DAILY_COUNTS if grain == "day" else c.MONTHLY_COUNTS
            await self.db[collection].update_one(
                {"_id": doc_id}, {"$inc": inc, "$setOnInsert": labels}, upsert=True, session=self.s
            )

    async def park(self, event: ParkedEvent) -> None:
        doc = d.parked_doc(event)
        # Keyed by dossier and version: a redelivered copy does not park twice.
        await self.db[c.PARKED_EVENTS].update_one({"_id": doc["_id"]}, {"$setOnInsert": doc},
                                                  upsert=True, session=self.s)

    async def take_parked(self, code: str, version: int) -> ParkedEvent | None:
        doc = await self.db[c.PARKED_EVENTS].find_one_and_delete({"_id": d.parked_id(code, version)}, session=self.s)
        return d.parked_event(doc) if doc else None

    async def load_answer(self, dossier_code: str) -> SurveyAnswer | None:
        doc = await self.db[c.SURVEY_ANSWERS].find_one({"_id": dossier_code}, session=self.s)
        return d.survey_answer(doc) if doc else None

    async def save_answer(self, answer: SurveyAnswer) -> None:
        await self.db[c.SURVEY_ANSWERS].insert_one(d.answer_doc(answer), session=self.s)
        doc_id, inc, labels = d.satisfaction_update(answer)
        await self.db[c.SATISFACTION_DAILY].update_one(
            {"_id": doc_id}, {"$inc": inc, "$setOnInsert": labels}, upsert=True, session=self.s
        )

    async def unit_directory(self, unit_code: str) -> tuple[str, str] | None:
        doc = await self.db[c.UNITS].find_one({"_id": unit_code}, session=self.s)
        return (doc["province_code"], doc["unit_name"]) if doc else None


class MongoProjectionStore:
    def __init__(self, client: AsyncMongoClient, db: AsyncDatabase) -> None:
        self.client, self.db = client, db

    async def in_transaction(self, work: Callable[[ProjectionTx], Awaitable[T]]) -> T:
        return await run_in_transaction(self.client, lambda s: work(MongoProjectionTx(self.db, s)))

    async def parked_since_before(self, moment: datetime) -> list[ParkedEvent]:
        cursor = self.db[c.PARKED_EVENTS].find({"parked_at": {"$lt": moment}}).sort("parked_at", ASCENDING)
        return [d.parked_event(doc) async for doc in cursor]

    async def parked_count(self) -> int:
        return await self.db[c.PARKED_EVENTS].count_documents({})

    async def stored_version(self, code: str) -> int:
        doc = await self.db[c.DOSSIERS].find_one({"_id": code}, {"version": 1})
        return doc["version"] if doc else 0

    async def remove_parked(self, event: ParkedEvent) -> bool:
        result = await self.db[c.PARKED_EVENTS].delete_one(
            {"_id": d.parked_id(event.aggregate_id, event.aggregate_version), "event_id": event.event_id}
        )
        return result.deleted_count == 1

    async def drop_projections(self) -> None:
        await c.drop_projections(self.db)
