"""Dossiers in MongoDB: the transaction the use cases run in (dossier + daily counter +
outbox event commit together), and plain reads."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from pymongo import ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.asynchronous.mongo_client import AsyncMongoClient

from motcua_shared.contract.envelope import Envelope
from motcua_shared.messaging.outbox import Outbox
from motcua_shared.storage.transactions import run_in_transaction

from intake.adapters.mongo_documents import from_document, to_document
from intake.domain.dossier import Dossier
from intake.domain.errors import ConcurrentUpdate

T = TypeVar("T")


class MongoTransaction:
    def __init__(self, db: AsyncDatabase, session: AsyncClientSession, outbox: Outbox) -> None:
        self.db, self.session, self.outbox = db, session, outbox

    async def get_dossier(self, code: str) -> Dossier | None:
        document = await self.db.dossiers.find_one({"_id": code}, session=self.session)
        return from_document(Dossier, document) if document else None

    async def insert_dossiers(self, dossiers: Sequence[Dossier]) -> None:
        await self.db.dossiers.insert_many(
            [to_document(dossier, dossier.code) for dossier in dossiers],
            ordered=True,
            session=self.session,
        )

    async def update_dossier(self, dossier: Dossier, expected_version: int) -> None:
        result = await self.db.dossiers.replace_one(
            {"_id": dossier.code, "version": expected_version},
            to_document(dossier, dossier.code),
            session=self.session,
        )
        if result.matched_count != 1:
            raise ConcurrentUpdate(
                f"dossier {dossier.code} is no longer at version {expected_version}"
            )

    async def next_sequence(self, counter: str, count: int = 1) -> int:
        # Inside the transaction: an abort rolls the counter back, so codes have no gaps;
        # two receipts at once conflict on this document and with_transaction retries one.
        document = await self.db.counters.find_one_and_update(
            {"_id": counter},
            {"$inc": {"seq": count}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
            session=self.session,
        )
        assert document is not None  # upserted, and returned as it is after
        return int(document["seq"])

    async def append_events(self, envelopes: Sequence[Envelope[Any]]) -> None:
        await self.outbox.add_many(list(envelopes), session=self.session)

    async def record_payment(self, payment: dict[str, Any]) -> bool:
        # The gateway's transaction number is the key: the same callback twice is seen here (and
        # two at once conflict on the insert; the unique _id lets only one commit).
        key = payment["transaction"]
        if await self.db.payments.find_one({"_id": key}, {"_id": 1}, session=self.session):
            return False
        await self.db.payments.insert_one(payment | {"_id": key}, session=self.session)
        return True


class MongoUnitOfWork:
    def __init__(
        self,
        client: AsyncMongoClient,
        db: AsyncDatabase,
        outbox: Outbox,
        on_commit: Callable[[], None],
    ) -> None:
        self.client, self.db, self.outbox, self.on_commit = client, db, outbox, on_commit

    async def run(self, work: Callable[[MongoTransaction], Awaitable[T]]) -> T:
        async def callback(s: AsyncClientSession) -> T:
            return await work(MongoTransaction(self.db, s, self.outbox))

        return await run_in_transaction(self.client, callback, after_commit=self.on_commit)


class MongoDossierReader:
    def __init__(self, db: AsyncDatabase) -> None:
        self.db = db

    async def get(self, code: str) -> Dossier | None:
        document = await self.db.dossiers.find_one({"_id": code})
        return from_document(Dossier, document) if document else None


class MongoCitizenDossiers:
    def __init__(self, db: AsyncDatabase) -> None:
        self.db = db

    async def with_papers_of(self, cccd: str, exclude: str) -> list[Dossier]:
        cursor = self.db.dossiers.find(
            {"citizen.cccd": cccd, "attachments.role": "paper", "_id": {"$ne": exclude}}
        )
        return [from_document(Dossier, document) for document in await cursor.limit(50).to_list()]
