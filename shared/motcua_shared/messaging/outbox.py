"""The transactional outbox: the store of events waiting to be published, and the event log.

A service writes its state change and the event in one MongoDB transaction
(`Outbox.add(envelope, session=s)`); the relay (`outbox_relay.py`) publishes pending events with
publisher confirms, in order, and marks them sent here. Events written while RabbitMQ is down
stay pending and go out when it is back. Sent events are kept: the outbox is the service's event
log, from which projections are rebuilt (see `event_log.py`).

Personal data (Decree 13/2023/NĐ-CP art. 3 and 9, purpose limitation and storage limitation):
the citizen's phone travels in `contact` only so that notify can reach them. Once an event is
published its log entry keeps the event with `contact.phone` null (the field is optional in the
contract), in the same write that marks it sent: the event log never holds a phone for longer
than the event waits for RabbitMQ.

Order per aggregate: a batch never leaves an aggregate's earlier event behind its later one
(`next_batch`), and holds each aggregate's events in version order (`in_version_order`); marks
are checked against the relay's fencing token (`relay_lease.py`).
"""

import json
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection

from motcua_shared.contract.envelope import Envelope
from motcua_shared.messaging.relay_lease import LEASE_COLLECTION, RelayLease
from motcua_shared.vietnam.timeutil import utcnow

PENDING = "pending"
SENT = "sent"
# seq is an ObjectId made by the writing replica: its second, then the process. An aggregate's
# earlier event gets a later seq only within the same second, plus the skew between replicas'
# clocks (NTP keeps it to milliseconds; 5 s is a wide margin).
SEQ_INVERSION_WINDOW = timedelta(seconds=6)


class Outbox:
    def __init__(self, collection: AsyncCollection) -> None:
        self.collection = collection

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("status", ASCENDING), ("seq", ASCENDING)])
        await self.collection.create_index([("seq", ASCENDING)])
        await self.collection.create_index(
            [("aggregate_id", ASCENDING), ("aggregate_version", ASCENDING)], unique=True
        )

    async def add(self, envelope: Envelope[Any], session: AsyncClientSession | None = None) -> None:
        await self.collection.insert_one(_document(envelope), session=session)

    async def add_many(
        self, envelopes: list[Envelope[Any]], session: AsyncClientSession | None = None
    ) -> None:
        """Several events in one write (a batch's), in the order given."""
        if envelopes:
            await self.collection.insert_many(
                [_document(e) for e in envelopes], ordered=True, session=session
            )

    async def pending(self, limit: int) -> list[dict[str, Any]]:
        cursor = self.collection.find({"status": PENDING}).sort("seq", ASCENDING).limit(limit)
        return await cursor.to_list(length=limit)

    async def next_batch(self, limit: int, skip: Collection[str] = ()) -> list[dict[str, Any]]:
        """Up to `limit` pending events by seq (but those in `skip`: published, being marked),
        and, when there were more, the pending events of the same aggregates that an inverted
        seq left behind (`_left_behind`). Each aggregate's events in version order
        (`in_version_order`).

        No hint and no `$nin`: SecantusDB answers a hinted find by reading every document of the
        index (the whole outbox, sent events included: a cost that grew with the event log), and
        a `$nin` by comparing each pending event with the list; `skip` is left out here."""
        cursor = self.collection.find({"status": PENDING}).sort("seq", ASCENDING)
        wanted = limit + len(skip)
        cursor = cursor.limit(wanted).batch_size(wanted)
        read = await cursor.to_list(length=wanted)
        batch = [doc for doc in read if doc["_id"] not in skip][:limit]
        if len(batch) == limit:
            batch += await self._left_behind(batch, skip)
        return in_version_order(batch)

    async def _left_behind(
        self, batch: list[dict[str, Any]], skip: Collection[str]
    ) -> list[dict[str, Any]]:
        """Pending events past the full batch's last seq of aggregates in it. An aggregate's
        earlier event can sort after its later one only when both seqs carry the same second
        (give or take the writers' clock skew): it was committed before the later one was
        written. So one range of the (status, seq) index, a few seconds of events, holds it."""
        last = batch[-1]["seq"]
        until = ObjectId.from_datetime(last.generation_time + SEQ_INVERSION_WINDOW)
        aggregates = {doc["aggregate_id"] for doc in batch}
        # Past `last`, so none of the batch; a skipped event may be (an earlier batch's extra).
        cursor = self.collection.find({"status": PENDING, "seq": {"$gt": last, "$lt": until}})
        return sorted(
            (
                doc
                for doc in await cursor.to_list(length=None)
                if doc["aggregate_id"] in aggregates and doc["_id"] not in skip
            ),
            key=lambda doc: doc["seq"],
        )

    def lease(self, **options: Any) -> RelayLease:
        """The lease a relay must hold to publish this outbox (`outbox_lease` in its database)."""
        leases = self.collection.database[LEASE_COLLECTION]
        return RelayLease(leases, self.collection.name, **options)

    async def backlog(self) -> tuple[int, datetime | None]:
        """How many events wait to be published, and when the oldest of them was written
        (both served by the (status, seq) index)."""
        count = await self.collection.count_documents({"status": PENDING})
        oldest = await self.collection.find_one(
            {"status": PENDING}, {"created_at": 1}, sort=[("seq", ASCENDING)]
        )
        return count, oldest["created_at"] if oldest else None

    async def mark_sent(
        self,
        event_ids: list[str],
        published: list[dict[str, Any]] | None = None,
        lease: RelayLease | None = None,
        confirmed_at: datetime | None = None,
    ) -> None:
        """Mark sent; the `published` documents' bodies lose the citizen's phone in the same write.
        With a `lease`, after a read of its fencing token (raises LeaseLost: nothing is marked);
        a transaction around the two would fence no better (the read is not validated at
        commit) and cost a commit per batch. `sent_at` is `confirmed_at` (when the broker
        confirmed them) if given, else now."""
        if not event_ids:
            return
        if lease is not None:
            await lease.fence()
        sent = {"status": SENT, "sent_at": confirmed_at or utcnow()}
        redacted = {
            doc["_id"]: body for doc in published or () if (body := without_phone(doc["body"]))
        }
        if not redacted:
            await self.collection.update_many({"_id": {"$in": event_ids}}, {"$set": sent})
            return
        updates = [
            UpdateOne({"_id": event_id}, {"$set": sent | {"body": redacted[event_id]}})
            if event_id in redacted
            else UpdateOne({"_id": event_id}, {"$set": sent})
            for event_id in event_ids
        ]
        await self.collection.bulk_write(updates, ordered=False)

    async def page(self, after_seq: str | None, limit: int) -> list[dict[str, Any]]:
        """Events in write order after `after_seq` (the event log, sent or not)."""
        query = {"seq": {"$gt": ObjectId(after_seq)}} if after_seq else {}
        cursor = self.collection.find(query).sort("seq", ASCENDING).limit(limit)
        return await cursor.to_list(length=limit)


def without_phone(body: str) -> str | None:
    """The envelope's JSON with `payload.contact.phone` null, or None when it holds no phone."""
    envelope = json.loads(body)
    contact = (envelope.get("payload") or {}).get("contact")
    if not isinstance(contact, dict) or not contact.get("phone"):
        return None
    contact["phone"] = None
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))


def _document(envelope: Envelope[Any]) -> dict[str, Any]:
    return {
        "_id": str(envelope.event_id),
        # ObjectIds made in one process increase: the write order the relay keeps.
        "seq": ObjectId(),
        "routing_key": envelope.routing_key,
        "aggregate_id": envelope.aggregate_id,
        "aggregate_version": envelope.aggregate_version,
        "correlation_id": envelope.correlation_id,
        "body": envelope.model_dump_json(),
        "status": PENDING,
        "created_at": utcnow(),
    }


def in_version_order(batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The batch in seq order, except that each aggregate's events take its places in version
    order. seq orders the events one process wrote; with several replicas writing one outbox, a
    dossier's next event written by another replica in the same second may get the smaller seq
    (ObjectIds order by second, then by process), and consumers must not see it first."""
    by_aggregate: dict[str, list[dict[str, Any]]] = {}
    for doc in batch:
        by_aggregate.setdefault(doc["aggregate_id"], []).append(doc)
    ordered = {
        aggregate: iter(sorted(docs, key=lambda d: d["aggregate_version"]))
        for aggregate, docs in by_aggregate.items()
    }
    return [next(ordered[doc["aggregate_id"]]) for doc in batch]
