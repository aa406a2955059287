"""The projection store on MongoDB: a batch of events, their changes and processed-event records
are written in one multi-document transaction (adapters/projection_batch.py: reads up front,
one bulk write per collection)."""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.asynchronous.mongo_client import AsyncMongoClient

from motcua_shared.storage.transactions import run_in_transaction

from reporting.adapters import mongo_collections as c
from reporting.adapters import projection_documents as d
from reporting.adapters.projection_batch import BatchProjectionTx, KnownCounters
from reporting.app.ports import ParkedEvent, Preload, ProjectionTx

T = TypeVar("T")


class MongoProjectionStore:
    def __init__(self, client: AsyncMongoClient, db: AsyncDatabase) -> None:
        self.client, self.db = client, db
        self.known = KnownCounters()  # counter documents seen to exist: no read to ask again

    async def in_transaction(
        self, work: Callable[[ProjectionTx], Awaitable[T]], preload: Preload = Preload()
    ) -> T:
        async def unit(
            session: AsyncClientSession,
        ) -> T:  # run again whole if the transaction is retried
            tx = await BatchProjectionTx.load(self.db, session, preload)
            result = await work(tx)
            await tx.flush(self.db, session, self.known)
            return result

        return await run_in_transaction(self.client, unit)

    async def parked_since_before(self, moment: datetime) -> list[ParkedEvent]:
        cursor = (
            self.db[c.PARKED_EVENTS]
            .find({"parked_at": {"$lt": moment}})
            .sort("parked_at", ASCENDING)
        )
        return [d.parked_event(doc) async for doc in cursor]

    async def parked_count(self) -> int:
        return await self.db[c.PARKED_EVENTS].count_documents({})

    async def stored_version(self, code: str) -> int:
        doc = await self.db[c.DOSSIERS].find_one({"_id": code}, {"version": 1})
        return doc["version"] if doc else 0

    async def remove_parked(self, event: ParkedEvent) -> bool:
        result = await self.db[c.PARKED_EVENTS].delete_one(
            {
                "_id": d.parked_id(event.aggregate_id, event.aggregate_version),
                "event_id": event.event_id,
            }
        )
        return result.deleted_count == 1

    async def drop_projections(self) -> None:
        self.known = KnownCounters()
        await c.drop_projections(self.db)
