"""Recording a batch's outcomes on the real Mongo-wire server: only the messages still under our
claim change, only their events go to the outbox; and the status counters behind
`motcua_notify_messages` follow every change, seeded once from a log that predates them."""

from datetime import timedelta

from motcua_shared.contract.event_base import MessageChannel

from notify.app.notification_events import status_event
from notify.app.ports import SendOutcome
from notify.domain.message import Status

from ..conftest import MORNING
from .test_dispatch_queue import claim, new_store, queued


async def test_outcomes_are_recorded_only_under_our_claim_with_their_events(mongo):
    store = new_store(mongo)
    await store.ensure_indexes()
    await mongo["messages"].insert_many([queued(f"D-{i}", 1) for i in range(3)])
    sent, failed, lost = await claim(store)
    # The lease of `lost` ran out meanwhile and a recovery moved it on: our answer is stale.
    await mongo["messages"].update_one(
        {"_id": lost.id}, {"$set": {"status": "failed", "claim_token": None}}
    )
    at = MORNING + timedelta(seconds=1)

    recorded = await store.record_outcomes(
        [
            SendOutcome(
                sent,
                Status.SENT,
                at,
                {"at": at},
                channel=MessageChannel.ZALO,
                provider_id="z-1",
                event=status_event(sent, Status.SENT, at, channel=MessageChannel.ZALO),
            ),
            SendOutcome(
                failed,
                Status.FAILED,
                at,
                {"at": at},
                reason="sms refused: test",
                event=status_event(failed, Status.FAILED, at, reason="sms refused: test"),
            ),
            SendOutcome(
                lost,
                Status.SENT,
                at,
                {"at": at},
                channel=MessageChannel.ZALO,
                provider_id="z-3",
                event=status_event(lost, Status.SENT, at, channel=MessageChannel.ZALO),
            ),
        ]
    )

    assert recorded.lost == [lost.id] and recorded.early_receipts == []
    docs = {d["_id"]: d async for d in mongo["messages"].find({})}
    assert (docs[sent.id]["status"], docs[sent.id]["provider_id"], docs[sent.id]["version"]) == (
        "sent",
        "z-1",
        1,
    )
    assert (docs[failed.id]["status"], docs[failed.id]["reason"]) == ("failed", "sms refused: test")
    assert docs[lost.id]["provider_id"] is None and docs[lost.id]["claim_token"] is None
    events = sorted([(e["aggregate_id"], e["routing_key"]) async for e in mongo["outbox"].find({})])
    assert events == sorted([(sent.id, "notification.sent"), (failed.id, "notification.failed")])


async def test_a_retry_goes_back_to_the_queue_without_a_ticket_and_publishes_nothing(mongo):
    store = new_store(mongo)
    await store.ensure_indexes()
    await mongo["messages"].insert_one(queued("D-1", 1))
    [message] = await claim(store)
    message.count_attempt(MessageChannel.ZALO)
    retry_at = MORNING + timedelta(seconds=30)

    recorded = await store.record_outcomes(
        [
            SendOutcome(
                message,
                Status.QUEUED,
                MORNING,
                {"at": MORNING},
                channel=MessageChannel.ZALO,
                not_before=retry_at,
            )
        ]
    )

    assert recorded.lost == []
    doc = await mongo["messages"].find_one({"_id": message.id})
    assert (doc["status"], doc["queue_pos"], doc["not_before"], doc["zalo_attempts"]) == (
        "queued",
        None,
        retry_at,
        1,
    )
    assert await mongo["outbox"].count_documents({}) == 0
    assert await claim(store) == [] and [m.id for m in await claim(store, now=retry_at)] == [
        message.id
    ]


async def test_status_counts_follow_each_change_and_are_seeded_once_from_an_older_log(mongo):
    await mongo["messages"].insert_many(
        [queued(f"D-{i}", 1) for i in range(3)]
    )  # before the counters
    store = new_store(mongo)
    await store.ensure_indexes()
    await store.ensure_indexes()  # a second start (or replica) does not count them again
    assert await store.counts.by_status(store.messages) == {
        "queued": 3,
        "sending": 0,
        "sent": 0,
        "delivered": 0,
        "failed": 0,
    }

    a, b, c = await claim(store)
    assert (await store.counts.by_status(store.messages))["sending"] == 3
    at = MORNING + timedelta(seconds=1)
    await store.record_outcomes(
        [
            SendOutcome(
                a,
                Status.SENT,
                at,
                {"at": at},
                channel=MessageChannel.ZALO,
                event=status_event(a, Status.SENT, at, channel=MessageChannel.ZALO),
            ),
            SendOutcome(
                b,
                Status.FAILED,
                at,
                {"at": at},
                reason="x",
                event=status_event(b, Status.FAILED, at),
            ),
            SendOutcome(
                c, Status.QUEUED, at, {"at": at}, channel=MessageChannel.SMS, not_before=at
            ),
        ]
    )
    [receipted] = [m for m in await store.find_all([(a.id, None)]) if m]
    await store.finish(
        receipted,
        status=Status.DELIVERED,
        at=at,
        event=status_event(receipted, Status.DELIVERED, at),
    )

    assert await store.counts.by_status(store.messages) == {
        "queued": 1,
        "sending": 0,
        "sent": 0,
        "delivered": 1,
        "failed": 1,
    }
