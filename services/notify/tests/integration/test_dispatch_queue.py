"""The dispatch queue on the real Mongo-wire server: a batch is claimed once, a lease that ran out
is claimed again, two dispatchers never get the same message, a dossier's messages are sent in
the order they were made however the dispatchers race, a message not due yet is not claimed."""

import asyncio
import uuid
from datetime import datetime, timedelta

import pytest_asyncio

from motcua_shared.contract.event_base import MessageChannel
from motcua_shared.messaging.outbox import Outbox

from notify.adapters.message_documents import to_document
from notify.adapters.mongo_messages import MongoMessageStore
from notify.domain.message import Message, Status
from notify.domain.message_kinds import MessageKind

from ..conftest import MORNING

LEASE = timedelta(seconds=120)


def queued(dossier: str, seq: int, *, not_before: datetime = MORNING) -> dict:
    message = Message(
        id=uuid.uuid4().hex,
        event_id=uuid.uuid4().hex,
        kind=MessageKind.RECEIVED,
        dossier_code=dossier,
        unit_code="26734",
        correlation_id=f"corr-{dossier}",
        phone="+84912345678",
        preferred_channel=MessageChannel.ZALO,
        rendered=None,
        status=Status.QUEUED,
        not_before=not_before,
        created_at=MORNING,
        channel=MessageChannel.ZALO,
    )
    return to_document(message, timedelta(days=90)) | {"dossier_seq": seq}


def new_store(mongo) -> MongoMessageStore:
    """One dispatcher's view (each replica keeps its own queue head)."""
    return MongoMessageStore(mongo.client, mongo, Outbox(mongo["outbox"]), ttl=timedelta(days=90))


@pytest_asyncio.fixture
async def store(mongo) -> MongoMessageStore:
    store = new_store(mongo)
    await store.ensure_indexes()
    return store


async def claim(
    store: MongoMessageStore, now: datetime = MORNING, limit: int = 100, token: str | None = None
):
    return await store.claim_due(now, now + LEASE, token or uuid.uuid4().hex, limit)


async def test_a_batch_is_claimed_once(store, mongo):
    await mongo["messages"].insert_many([queued(f"D-{i}", 1) for i in range(30)])

    first = await claim(store, token="first")
    again = await claim(store, token="second")

    assert len(first) == 30 and again == []
    assert {m.claim_token for m in first} == {"first"}
    stored = await mongo["messages"].find({}, {"status": 1, "claim_token": 1}).to_list(None)
    assert {(d["status"], d["claim_token"]) for d in stored} == {("sending", "first")}


async def test_a_batch_is_at_most_the_limit_and_the_rest_follows(store, mongo):
    await mongo["messages"].insert_many([queued(f"D-{i}", 1) for i in range(25)])

    batches = [await claim(store, limit=10) for _ in range(4)]

    assert [len(b) for b in batches] == [10, 10, 5, 0]
    assert len({m.id for b in batches for m in b}) == 25


async def test_a_message_not_due_is_not_claimed(store, mongo):
    later = MORNING + timedelta(hours=1)
    await mongo["messages"].insert_many([queued("D-1", 1), queued("D-2", 1, not_before=later)])

    now_batch = await claim(store)
    assert [m.dossier_code for m in now_batch] == ["D-1"]
    assert await claim(store, now=later - timedelta(seconds=1)) == []

    [due_later] = await claim(store, now=later)
    assert due_later.dossier_code == "D-2"


async def test_a_claim_whose_lease_ran_out_is_claimed_again(store, mongo):
    await mongo["messages"].insert_one(queued("D-1", 1, not_before=MORNING))
    [taken] = await claim(store, token="dead")
    assert await store.stale_claims(MORNING + LEASE - timedelta(seconds=1)) == []

    later = MORNING + LEASE + timedelta(seconds=1)
    [stale] = await store.stale_claims(later)
    assert stale.id == taken.id
    assert await store.requeue(
        stale,
        channel=MessageChannel.SMS,
        not_before=later,
        note={"at": later, "event": "claim expired"},
    )

    [again] = await claim(store, now=later, token="alive")
    assert (
        again.id == taken.id
        and again.claim_token == "alive"
        and again.channel == MessageChannel.SMS
    )


async def test_two_concurrent_dispatchers_never_get_the_same_message(store, mongo):
    await mongo["messages"].insert_many([queued(f"D-{i}", 1) for i in range(300)])
    other = new_store(mongo)
    won: dict[str, list[str]] = {"a": [], "b": []}

    async def dispatcher(name: str, store: MongoMessageStore) -> None:
        while batch := await claim(store, limit=40, token=name):
            won[name].extend(m.id for m in batch)

    await asyncio.gather(dispatcher("a", store), dispatcher("b", other))

    assert not set(won["a"]) & set(won["b"])
    assert len(won["a"]) + len(won["b"]) == 300 == len(set(won["a"]) | set(won["b"]))
    stored = {
        d["_id"]: d["claim_token"] async for d in mongo["messages"].find({}, {"claim_token": 1})
    }
    assert all(stored[i] == name for name, ids in won.items() for i in ids)


async def test_a_dossiers_messages_are_sent_in_order_by_racing_dispatchers(store, mongo):
    """Three dispatchers claim small batches at once; each "sends" its batch in the order given
    and marks the messages sent. Every message is sent once, and never before an earlier one of
    its dossier. Each pass moves the clock on, so a message held behind one another dispatcher
    was sending comes back."""
    docs = [queued(f"D-{d}", seq) for seq in (1, 2, 3) for d in range(40)]
    await mongo["messages"].insert_many(docs)
    seq_of = {d["_id"]: d["dossier_seq"] for d in docs}
    sent: list[tuple[str, int]] = []
    out_of_order: list[tuple[str, list[int], int]] = []
    clock = {"now": MORNING}

    async def dispatcher(store: MongoMessageStore) -> None:
        for _ in range(200):
            if len(sent) == len(docs):
                return
            clock["now"] += timedelta(seconds=1)
            for message in await claim(store, now=clock["now"], limit=25):
                earlier = [seq for code, seq in sent if code == message.dossier_code]
                if earlier != list(range(1, seq_of[message.id])):
                    out_of_order.append((message.dossier_code, earlier, seq_of[message.id]))
                sent.append((message.dossier_code, seq_of[message.id]))
                await mongo["messages"].update_one(
                    {"_id": message.id}, {"$set": {"status": "sent"}}
                )

    await asyncio.gather(
        dispatcher(store), dispatcher(new_store(mongo)), dispatcher(new_store(mongo))
    )

    assert out_of_order == []
    assert sorted(sent) == sorted((d["dossier_code"], d["dossier_seq"]) for d in docs)


async def test_a_later_message_waits_for_an_earlier_one_in_retry(store, mongo):
    await mongo["messages"].insert_many([queued("D-1", 1), queued("D-1", 2)])
    [first] = await claim(store, limit=1)  # one at a time: the first is claimed alone
    retry_at = MORNING + timedelta(seconds=30)
    assert await store.requeue(
        first,
        channel=MessageChannel.ZALO,
        not_before=retry_at,
        note={"at": MORNING, "event": "zalo 503"},
    )

    assert await claim(store) == []  # the second is due, but the first waits for its retry
    both = await claim(store, now=retry_at)
    assert [m.id for m in both] == [first.id, both[1].id] and len(both) == 2
