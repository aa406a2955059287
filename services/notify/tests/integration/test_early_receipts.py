"""Receipts that come while a batch is being sent (the usual case: the provider answers in
milliseconds, the batch is recorded once every send of it is done) are noted on the messages, then
applied together once the batch is recorded: one transaction for all of them, on the real
Mongo-wire server, each with its status, event, history step and counter."""

import asyncio
from datetime import timedelta

from motcua_shared.contract.event_base import MessageChannel
from motcua_shared.testing.clock import SettableClock

from notify.app.notification_events import status_event
from notify.app.ports import SendOutcome
from notify.app.receipts import ApplyReceipt
from notify.domain.message import Status

from ..conftest import MORNING
from .test_dispatch_queue import claim, new_store, queued


async def test_early_receipts_are_applied_together_after_the_batch_is_recorded(mongo):
    store = new_store(mongo)
    await store.ensure_indexes()
    await mongo["messages"].insert_many([queued(f"D-{i}", 1) for i in range(4)])
    batch = await claim(store)
    delivered, undelivered, moved_meanwhile, no_receipt = batch
    at = MORNING + timedelta(seconds=1)
    receipts = ApplyReceipt(store, SettableClock(at + timedelta(seconds=1)))
    for message, ok in ((delivered, True), (undelivered, False), (moved_meanwhile, True)):
        assert await receipts(message_id=message.id, provider_id=None, delivered=ok) == "noted"

    recorded = await record_sent(store, batch, at)
    early = {m.id: m for m in recorded.early_receipts}
    assert set(early) == {delivered.id, undelivered.id, moved_meanwhile.id}
    # Between the record and the receipts, someone else moves one on: it is left as they left it.
    await mongo["messages"].update_one(
        {"_id": moved_meanwhile.id}, {"$set": {"status": "failed"}, "$inc": {"version": 1}}
    )
    transactions = count_transactions(store)

    await receipts.apply_early(list(early.values()))

    assert transactions() == 1
    docs = {d["_id"]: d async for d in mongo["messages"].find({})}
    assert {i: docs[i]["status"] for i in docs} == {
        delivered.id: "delivered",
        undelivered.id: "failed",
        moved_meanwhile.id: "failed",
        no_receipt.id: "sent",
    }
    assert "receipt: not delivered" in docs[undelivered.id]["reason"]
    assert "reason" not in docs[moved_meanwhile.id] or docs[moved_meanwhile.id]["reason"] is None
    events = sorted(
        [
            (e["aggregate_id"], e["routing_key"])
            async for e in mongo["outbox"].find({"routing_key": {"$ne": "notification.sent"}})
        ]
    )
    assert events == sorted(
        [(delivered.id, "notification.delivered"), (undelivered.id, "notification.failed")]
    )
    steps = await store.history.of([delivered.id, undelivered.id])
    assert steps[delivered.id][-1]["event"] == "delivery receipt"
    assert steps[undelivered.id][-1]["event"] == "failure receipt"
    counts = await store.counts.by_status(store.messages)
    # The receipts' moves are counted (the test's own move above bypasses the counters).
    assert (counts["delivered"], counts["failed"]) == (1, 1)


async def test_receipts_that_arrive_together_are_applied_in_one_transaction(mongo):
    """A group of webhook calls at once: one read of their messages, one transaction for those
    that move, one write for the notes; each caller gets its own answer."""
    store = new_store(mongo)
    await store.ensure_indexes()
    await mongo["messages"].insert_many([queued(f"D-{i}", 1) for i in range(4)])
    by_id, by_provider, undelivered, still_sending = await claim(store)
    at = MORNING + timedelta(seconds=1)
    await record_sent(store, [by_id, by_provider, undelivered], at)
    transactions = count_transactions(store)
    receipts = ApplyReceipt(store, SettableClock(at + timedelta(seconds=1)))

    answers = await asyncio.gather(
        receipts(message_id=by_id.id, provider_id=None, delivered=True),
        receipts(message_id=None, provider_id=f"z-{by_provider.id}", delivered=True),
        receipts(message_id=undelivered.id, provider_id=None, delivered=False),
        receipts(message_id=by_id.id, provider_id=None, delivered=True),  # the provider again
        receipts(message_id="no-such-message", provider_id="no-such-id", delivered=True),
        receipts(message_id=still_sending.id, provider_id=None, delivered=True),
    )

    assert answers == ["delivered", "delivered", "failed", "duplicate", "unknown", "noted"]
    assert transactions() == 1
    docs = {d["_id"]: d async for d in mongo["messages"].find({})}
    assert [docs[m.id]["status"] for m in (by_id, by_provider, undelivered, still_sending)] == [
        "delivered",
        "delivered",
        "failed",
        "sending",
    ]
    assert docs[still_sending.id]["early_receipt"]["delivered"] is True
    delivered_events = await mongo["outbox"].count_documents(
        {"routing_key": "notification.delivered"}
    )
    assert delivered_events == 2  # the repeated receipt published nothing


async def record_sent(store, messages, at):
    """The messages' sends recorded as accepted by Zalo (provider id `z-<id>`)."""
    return await store.record_outcomes(
        [
            SendOutcome(
                m,
                Status.SENT,
                at,
                {"at": at},
                channel=MessageChannel.ZALO,
                provider_id=f"z-{m.id}",
                event=status_event(m, Status.SENT, at, channel=MessageChannel.ZALO),
            )
            for m in messages
        ]
    )


def count_transactions(store):
    """From now on, how many transactions the store has run."""
    count = 0
    write_in_transaction = store._transaction

    async def counted(write):
        nonlocal count
        count += 1
        await write_in_transaction(write)

    store._transaction = counted
    return lambda: count
