"""The transactional outbox and its relay.

A service writes its state change and the event in one MongoDB transaction
(`Outbox.add(envelope, session=s)`); the relay publishes pending events with publisher
confirms, in order, and marks them sent. Events written while RabbitMQ is down stay pending
and go out when it is back. Sent events are kept: the outbox is the service's event log,
from which projections are rebuilt (see `event_log.py`).

Personal data (Decree 13/2023/NĐ-CP art. 3 and 9, purpose limitation and storage limitation):
the citizen's phone travels in `contact` only so that notify can reach them. Once an event is
published its log entry keeps the event with `contact.phone` null (the field is optional in the
contract), in the same write that marks it sent: the event log never holds a phone for longer
than the event waits for RabbitMQ.
"""

import asyncio
import contextlib
import json
import logging
from datetime import datetime
from typing import Any

import aio_pika
from bson import ObjectId
from pymongo import ASCENDING, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection

from motcua_shared.contract.envelope import Envelope
from motcua_shared.vietnam.timeutil import utcnow
from motcua_shared.contract.topology import (
    BINDINGS,
    consumer_spec,
    declare_consumers_leniently,
    declare_exchange,
)

log = logging.getLogger(__name__)

PENDING = "pending"
SENT = "sent"


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

    async def pending(self, limit: int) -> list[dict[str, Any]]:
        cursor = self.collection.find({"status": PENDING}).sort("seq", ASCENDING).limit(limit)
        return await cursor.to_list(length=limit)

    async def backlog(self) -> tuple[int, datetime | None]:
        """How many events wait to be published, and when the oldest of them was written
        (both served by the (status, seq) index)."""
        count = await self.collection.count_documents({"status": PENDING})
        oldest = await self.collection.find_one({"status": PENDING}, {"created_at": 1}, sort=[("seq", ASCENDING)])
        return count, oldest["created_at"] if oldest else None

    async def mark_sent(self, event_ids: list[str], published: list[dict[str, Any]] | None = None) -> None:
        """Mark sent; the `published` documents' bodies lose the citizen's phone in the
        same write."""
        if not event_ids:
            return
        sent = {"status": SENT, "sent_at": utcnow()}
        redacted = {doc["_id"]: body for doc in published or () if (body := without_phone(doc["body"]))}
        if not redacted:
            await self.collection.update_many({"_id": {"$in": event_ids}}, {"$set": sent})
            return
        await self.collection.bulk_write([
            UpdateOne({"_id": event_id}, {"$set": sent | ({"body": redacted[event_id]} if event_id in redacted else {})})
            for event_id in event_ids
        ], ordered=False)

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


class OutboxRelay:
    """Publishes pending outbox events with publisher confirms; survives broker outages."""

    def __init__(
        self,
        outbox: Outbox,
        amqp_url: str,
        exchange: str,
        *,
        batch_size: int = 200,
        poll_interval: float = 1.0,
    ) -> None:
        self.outbox = outbox
        self.amqp_url = amqp_url
        self.exchange_name = exchange
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._connection: aio_pika.abc.AbstractConnection | None = None
        self._exchange: aio_pika.abc.AbstractExchange | None = None

    def start(self) -> None:
        """Run the relay in the background until stop()."""
        self._task = asyncio.create_task(self.run(), name="outbox-relay")

    async def stop(self) -> None:
        # A flag as well as cancel(): aio-pika's connect() can swallow a cancellation that
        # lands while it connects, and the loop would then run on.
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.close()

    def wake(self) -> None:
        """Call after a commit so the event goes out now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        backoff = self.poll_interval
        while not self._stopping:
            try:
                published = await self.publish_pending()
                backoff = self.poll_interval
                if published:
                    continue
                self._wake.clear()
                try:
                    # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancel().
                    async with asyncio.timeout(self.poll_interval):
                        await self._wake.wait()
                except TimeoutError:
                    pass
            except Exception as exc:  # broker or database away: keep events pending, retry
                log.warning("outbox relay cannot publish yet (%s); retrying", exc)
                await self._drop_connection()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)

    async def publish_pending(self) -> int:
        """Publish one batch; returns how many events went out."""
        batch = in_version_order(await self.outbox.pending(self.batch_size))
        if not batch:
            return 0
        exchange = await self._get_exchange()
        # One channel keeps order; confirms are awaited together, then marked in one write.
        await asyncio.gather(*(exchange.publish(_message(doc), routing_key=doc["routing_key"]) for doc in batch))
        await self.outbox.mark_sent([doc["_id"] for doc in batch], published=batch)
        return len(batch)

    async def _get_exchange(self) -> aio_pika.abc.AbstractExchange:
        if self._exchange is None:
            self._connection = await aio_pika.connect(self.amqp_url, timeout=5)
            # The consumers' queues exist before the first event goes out, so an event published
            # while a consumer has never started yet waits in its queue instead of being dropped.
            await declare_consumers_leniently(
                self._connection, [consumer_spec(self.exchange_name, service) for service in BINDINGS])
            channel = await self._connection.channel(publisher_confirms=True)
            self._exchange = await declare_exchange(channel, self.exchange_name)
        return self._exchange

    async def _drop_connection(self) -> None:
        connection, self._connection, self._exchange = self._connection, None, None
        if connection is not None:
            try:
                await connection.close()
            except Exception:  # already broken
                pass

    async def close(self) -> None:
        await self._drop_connection()


def in_version_order(batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The batch in seq order, except that each aggregate's events take its places in version
    order. seq orders the events one process wrote; with several replicas writing one outbox, a
    dossier's next event written by another replica in the same second may get the smaller seq
    (ObjectIds order by second, then by process), and consumers must not see it first."""
    by_aggregate: dict[str, list[dict[str, Any]]] = {}
    for doc in batch:
        by_aggregate.setdefault(doc["aggregate_id"], []).append(doc)
    ordered = {aggregate: iter(sorted(docs, key=lambda d: d["aggregate_version"]))
               for aggregate, docs in by_aggregate.items()}
    return [next(ordered[doc["aggregate_id"]]) for doc in batch]


def _message(doc: dict[str, Any]) -> aio_pika.Message:
    return aio_pika.Message(
        doc["body"].encode(),
        content_type="application/json",
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        message_id=doc["_id"],
        correlation_id=doc.get("correlation_id"),
        type=doc["routing_key"],
    )
