"""The message log in notify's own database, with the processed-event ids and the dossier facts.

Every change that publishes an event writes it to the outbox in the same transaction. Every
update of a message is conditional on the message being exactly as it was read (status,
claim token, version), so a stale writer changes nothing.
"""

import uuid
from collections.abc import Callable, Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, AsyncMongoClient, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from motcua_shared.contract.envelope import Envelope
from motcua_shared.contract.event_base import MessageChannel
from motcua_shared.messaging.outbox import Outbox
from motcua_shared.storage.transactions import run_in_transaction
from motcua_shared.vietnam.timeutil import utcnow

from notify.adapters.message_counts import MessageCounts
from notify.adapters.message_documents import (
    as_read,
    facts_document,
    facts_from_document,
    from_document,
    outcome_update,
    to_document,
)
from notify.adapters.message_history import MessageHistory
from notify.adapters.mongo_dispatch_queue import DispatchQueue
from notify.adapters.mongo_event_order import MongoEventOrder
from notify.app.ports import EventRecord, Finish, RecordedOutcomes, SendOutcome
from notify.domain.event_order import DossierOrder
from notify.domain.message import Message, Status
from notify.domain.planning import DossierFacts


class MongoMessageStore:
    def __init__(
        self,
        client: AsyncMongoClient,
        db: AsyncDatabase,
        outbox: Outbox,
        *,
        ttl: timedelta,
        on_commit: Callable[[], None] = lambda: None,
        order: MongoEventOrder | None = None,
    ) -> None:
        self.client, self.outbox, self.ttl, self.on_commit = client, outbox, ttl, on_commit
        self.order = order or MongoEventOrder(db, keep=timedelta(days=730))
        self.messages = db["messages"]
        self.processed = db["processed_events"]
        self.dossiers = db["dossiers"]
        self.queue = DispatchQueue(self.messages, db["dispatch_queue"], self._transaction)
        self.counts = MessageCounts(db["message_counts"], ttl)
        self.history = MessageHistory(db["message_history"], ttl)

    async def ensure_indexes(self) -> None:
        await self.order.ensure_indexes()
        # Also serves the stale claims ({status: sending, claim_until < now}: few, the ones in
        # flight).
        await self.messages.create_index(DispatchQueue.INDEX)
        existing = await self.messages.index_information()
        # Each write paid for these: SecantusDB rewrites every index entry of a document it updates.
        # (event_id, kind) is unique by construction: `_id` is uuid5(event id, kind).
        for obsolete in ("status_1_not_before_1", "status_1_claim_until_1", "event_id_1_kind_1"):
            if obsolete in existing:
                await self.messages.drop_index(obsolete)
        # Provider ids are looked up in the history (`message_history.py`), not on the messages.
        await self.history.ensure_indexes(self.messages)
        await self.messages.create_index([("dossier_code", ASCENDING), ("dossier_seq", ASCENDING)])
        # Personal data does not pile up: each document carries its own expiry (setting changes
        # apply to new messages without rebuilding the index).
        for collection in (self.messages, self.processed, self.dossiers):
            await collection.create_index([("expires_at", ASCENDING)], expireAfterSeconds=0)
        await self.counts.ensure_indexes(self.messages, self._transaction)

    async def facts(self, dossier_code: str) -> DossierFacts:
        return facts_from_document(await self.dossiers.find_one({"_id": dossier_code}))

    async def facts_of(self, dossier_codes: Collection[str]) -> dict[str, DossierFacts]:
        cursor = self.dossiers.find({"_id": {"$in": list(dossier_codes)}})
        return {doc["_id"]: facts_from_document(doc) async for doc in cursor}

    async def processed_among(self, event_ids: Collection[str]) -> set[str]:
        cursor = self.processed.find({"_id": {"$in": list(event_ids)}}, {"_id": 1})
        return {doc["_id"] async for doc in cursor}

    async def record_events(
        self, records: Sequence[EventRecord], orders: Sequence[DossierOrder] = ()
    ) -> bool:
        """One transaction, a fixed number of round trips: a read of the dossiers' message
        counters, then one bulk write per collection. Each dossier's messages are numbered
        1, 2, 3… in the order they were made (one consumer at a time makes them in event
        order); two writers at once would conflict on the counter, not share a number."""
        codes = sorted({r.dossier_code for r in records})
        at = records[0].at if records else utcnow()  # the order records' expiry counts from it

        async def write(session: AsyncClientSession) -> None:
            # First, so a record another consumer moved fails the transaction before anything else.
            await self.order.write(orders, at, session=session)
            if not records:
                return
            made = {
                doc["_id"]: doc.get("messages_made", 0)
                async for doc in self.dossiers.find(
                    {"_id": {"$in": codes}}, {"messages_made": 1}, session=session
                )
            }
            dossiers: dict[str, dict[str, Any]] = {}
            messages = []
            for r in records:
                if r.facts is None and r.message is None:
                    continue
                update = dossiers.setdefault(r.dossier_code, {"$set": {}, "$inc": {}})
                update["$set"] |= {"updated_at": r.at, "expires_at": r.at + self.ttl}
                if r.facts is not None:
                    update["$set"] |= facts_document(r.facts)
                if r.message is not None:
                    made[r.dossier_code] = made.get(r.dossier_code, 0) + 1
                    update["$inc"]["messages_made"] = update["$inc"].get("messages_made", 0) + 1
                    messages.append(
                        to_document(r.message, self.ttl) | {"dossier_seq": made[r.dossier_code]}
                    )
            await self.processed.insert_many(
                [{"_id": r.event_id, "at": r.at, "expires_at": r.at + self.ttl} for r in records],
                ordered=True,
                session=session,
            )
            if dossiers:
                await self.dossiers.bulk_write(
                    [
                        UpdateOne(
                            {"_id": code}, {k: v for k, v in update.items() if v}, upsert=True
                        )
                        for code, update in dossiers.items()
                    ],
                    ordered=True,
                    session=session,
                )
            if messages:
                await self.queue.ticket_due(messages, records[0].at, session)
                await self.messages.insert_many(messages, ordered=True, session=session)
                await self.counts.apply(
                    [(doc["created_at"], None, doc["status"]) for doc in messages], session
                )
            for r in records:
                if r.event is not None:
                    await self.outbox.add(r.event, session=session)

        try:
            await self._transaction(write)
        except (DuplicateKeyError, BulkWriteError) as exc:
            if isinstance(exc, BulkWriteError) and not _only_duplicates(exc):
                raise
            return False
        if any(r.event is not None for r in records):
            self.on_commit()
        return True

    async def claim_due(
        self, now: datetime, lease_until: datetime, token: str, limit: int
    ) -> list[Message]:
        """Up to `limit` due messages claimed for `token`; never one while an earlier message of
        its dossier is still to go (the dispatch queue, `mongo_dispatch_queue.py`)."""
        return [
            from_document(doc) for doc in await self.queue.claim(now, lease_until, token, limit)
        ]

    async def release(self, messages: list[Message], *, not_before: datetime, at: datetime) -> None:
        for token in {m.claim_token for m in messages if m.claim_token}:
            await self.queue.release(
                [m.id for m in messages if m.claim_token == token],
                token,
                not_before=not_before,
                at=at,
            )

    async def stale_claims(self, now: datetime) -> list[Message]:
        cursor = self.messages.find({"status": Status.SENDING.value, "claim_until": {"$lt": now}})
        return [from_document(doc) for doc in await cursor.to_list(length=100)]

    async def record_outcomes(self, outcomes: Sequence[SendOutcome]) -> RecordedOutcomes:
        """One transaction: one bulk conditional update of the messages, one read of which were
        ours to record (and which got a receipt meanwhile), one insert of their events."""
        mark = uuid.uuid4().hex  # tells this write's updates from anyone else's
        updates = [UpdateOne(as_read(o.message), outcome_update(o, mark)) for o in outcomes]
        steps = {
            o.message.id: self.history.step(
                o.message.id, o.message.created_at, o.note, o.provider_id
            )
            for o in outcomes
        }
        ids = [o.message.id for o in outcomes]
        found: dict[str, dict[str, Any]] = {}

        async def write(session: AsyncClientSession) -> None:
            found.clear()
            await self.messages.bulk_write(updates, ordered=False, session=session)
            async for doc in self.messages.find(
                {"_id": {"$in": ids}}, {"recorded": 1, "early_receipt": 1}, session=session
            ):
                if doc.get("recorded") == mark:
                    found[doc["_id"]] = doc
            await self.history.add([steps[i] for i in ids if i in found], session=session)
            events = [o.event for o in outcomes if o.event is not None and o.message.id in found]
            if events:
                await self.outbox.add_many(events, session=session)
            await self.counts.apply(
                [
                    (o.message.created_at, o.message.status, o.status)
                    for o in outcomes
                    if o.message.id in found
                ],
                session,
            )

        await self._transaction(write)
        if any(o.event is not None for o in outcomes):
            self.on_commit()
        early = [i for i, doc in found.items() if doc.get("early_receipt")]
        early_docs = await self._by_id(early)
        return RecordedOutcomes(
            lost=[i for i in ids if i not in found],
            early_receipts=[from_document(doc) for doc in early_docs.values()],
        )

    async def requeue(
        self,
        message: Message,
        *,
        channel: MessageChannel,
        not_before: datetime,
        note: dict[str, Any],
    ) -> bool:
        changes = {
            "status": Status.QUEUED.value,
            "channel": channel.value,
            "not_before": not_before,
            "zalo_attempts": message.zalo_attempts,
            "sms_attempts": message.sms_attempts,
            "claim_token": None,
            "claim_until": None,
            "queue_pos": None,
            "updated_at": note.get("at"),
        }
        done: list[bool] = []

        async def write(session: AsyncClientSession) -> None:
            done.clear()
            result = await self.messages.update_one(
                as_read(message), {"$set": changes}, session=session
            )
            if result.matched_count == 1:
                step = self.history.step(message.id, message.created_at, note, None)
                await self.history.add([step], session=session)
                done.append(True)

        await self._transaction(write)
        return bool(done)

    async def finish(
        self,
        message: Message,
        *,
        status: Status,
        at: datetime,
        event: Envelope[Any],
        channel: MessageChannel | None = None,
        provider_id: str | None = None,
        reason: str | None = None,
        note: dict[str, Any] | None = None,
    ) -> Message | None:
        moved = await self.finish_all(
            [Finish(message, status, at, event, channel, provider_id, reason, note)]
        )
        return moved[0] if moved else None

    async def finish_all(self, finishes: Sequence[Finish]) -> list[Message]:
        """One transaction: one bulk conditional update, one read of which this write moved (its
        mark), then their history steps, events and counter deltas, each in one write.
        Update + read rather than find_one_and_update: SecantusDB re-asserts a findAndModify's
        query as {_id, $and: [query]}, which no index serves (a scan of the message log)."""
        if not finishes:
            return []
        mark = uuid.uuid4().hex
        by_id = {f.message.id: f for f in finishes}
        updates = [UpdateOne(as_read(f.message), outcome_update(f, mark)) for f in finishes]
        found: dict[str, dict[str, Any]] = {}

        async def write(session: AsyncClientSession) -> None:
            found.clear()
            await self.messages.bulk_write(updates, ordered=False, session=session)
            async for doc in self.messages.find({"_id": {"$in": list(by_id)}}, session=session):
                if doc.get("recorded") == mark:
                    found[doc["_id"]] = doc
            moved = [f for i, f in by_id.items() if i in found]
            if not moved:
                return
            steps = [
                self.history.step(
                    f.message.id, f.message.created_at, f.note or {"at": f.at}, f.provider_id
                )
                for f in moved
            ]
            await self.history.add(steps, session=session)
            await self.outbox.add_many([f.event for f in moved], session=session)
            await self.counts.apply(
                [(f.message.created_at, f.message.status, f.status) for f in moved], session
            )

        await self._transaction(write)
        if found:
            self.on_commit()
        return [from_document(found[i]) for i in by_id if i in found]

    async def find_all(self, refs: Sequence[tuple[str | None, str | None]]) -> list[Message | None]:
        """Each (our id, provider's id)'s message: one `$in` read by our ids, and only for those
        not found so, one of the history by provider id and one of their messages."""
        ids = sorted({message_id for message_id, _ in refs if message_id})
        docs = await self._by_id(ids)
        wanted = sorted(
            {provider_id for message_id, provider_id in refs if provider_id}
            - {provider_id for message_id, provider_id in refs if message_id in docs}
        )
        of_provider = await self.history.messages_of(wanted) if wanted else {}
        docs |= await self._by_id(sorted(set(of_provider.values()) - set(docs)))
        found = []
        for message_id, provider_id in refs:
            doc = docs.get(message_id or "") or docs.get(of_provider.get(provider_id or "", ""))
            found.append(from_document(doc) if doc else None)
        return found

    async def _by_id(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        return {doc["_id"]: doc async for doc in self.messages.find({"_id": {"$in": list(ids)}})}

    async def note_early_receipts(self, notes: dict[str, dict[str, Any]]) -> set[str]:
        """One bulk write; the ids whose note was written (still sending), read back only when
        some were not."""
        if not notes:
            return set()
        mark = uuid.uuid4().hex
        result = await self.messages.bulk_write(
            [
                UpdateOne(
                    {"_id": message_id, "status": Status.SENDING.value},
                    {"$set": {"early_receipt": note | {"mark": mark}}},
                )
                for message_id, note in notes.items()
            ],
            ordered=False,
        )
        if result.matched_count == len(notes):
            return set(notes)
        cursor = self.messages.find(
            {"_id": {"$in": list(notes)}, "early_receipt.mark": mark}, {"_id": 1}
        )
        return {doc["_id"] async for doc in cursor}

    async def for_dossier(self, dossier_code: str) -> list[Message]:
        """Every unit's: the API refuses (403) an officer of another unit, as every service does."""
        cursor = self.messages.find({"dossier_code": dossier_code}).sort("created_at")
        messages = [from_document(doc) for doc in await cursor.to_list(length=200)]
        steps = await self.history.of([m.id for m in messages]) if messages else {}
        for message in messages:
            message.history = sorted(
                message.history + steps.get(message.id, []), key=lambda s: s["at"]
            )
        return messages

    async def _transaction(self, write: Callable[[AsyncClientSession], Any]) -> None:
        await run_in_transaction(self.client, write)


def _only_duplicates(exc: BulkWriteError) -> bool:
    return all(error.get("code") == 11000 for error in exc.details.get("writeErrors", []))
