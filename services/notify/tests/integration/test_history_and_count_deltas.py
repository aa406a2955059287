"""The send history beside the log and the counters' deltas, on the real Mongo-wire server: a
receipt naming only the provider's id finds its message (also one recorded before the history
moved out of the message), and two transactions changing the same counter at once both commit."""

from datetime import timedelta

from motcua_shared.contract.event_base import MessageChannel

from notify.app.notification_events import status_event
from notify.app.ports import SendOutcome
from notify.domain.message import Status

from ..conftest import MORNING
from .test_dispatch_queue import claim, new_store, queued


async def test_a_provider_id_finds_its_message_also_one_recorded_before_the_history_moved(mongo):
    legacy = queued("D-1", 1) | {"status": "sent", "provider_id": "legacy-1", "queue_pos": None}
    await mongo["messages"].insert_one(legacy)
    await mongo["messages"].create_index("provider_id")  # as the earlier version indexed it
    store = new_store(mongo)
    await store.ensure_indexes()
    await store.ensure_indexes()  # a second start moves nothing twice
    await mongo["messages"].insert_one(queued("D-2", 1))
    [message] = await claim(store)
    at = MORNING + timedelta(seconds=1)
    await store.record_outcomes(
        [
            SendOutcome(
                message,
                Status.SENT,
                at,
                {"at": at, "channel": "zalo", "outcome": "accepted"},
                channel=MessageChannel.ZALO,
                provider_id="z-9",
                event=status_event(message, Status.SENT, at, channel=MessageChannel.ZALO),
            )
        ]
    )

    assert "provider_id_1" not in await mongo["messages"].index_information()
    assert await mongo["message_history"].count_documents({"provider_id": "legacy-1"}) == 1
    found_legacy, found_new = await store.find_all([(None, "legacy-1"), (None, "z-9")])
    assert found_legacy is not None and found_legacy.id == legacy["_id"]
    assert found_new is not None and found_new.id == message.id
    [shown] = await store.for_dossier("D-2")
    assert [step.get("outcome") for step in shown.history] == [None, "accepted"]  # made, sent


async def test_two_transactions_changing_one_counter_at_once_both_commit(mongo):
    store = new_store(mongo)
    await store.ensure_indexes()
    async with (
        mongo.client.start_session() as first,
        mongo.client.start_session() as second,
    ):
        await first.start_transaction()
        await second.start_transaction()
        await store.counts.apply([(MORNING, None, Status.QUEUED)], first)
        await store.counts.apply([(MORNING, None, Status.QUEUED)], second)
        await first.commit_transaction()
        await second.commit_transaction()  # two updates of one counter document: one aborts

    assert (await store.counts.by_status(store.messages))["queued"] == 2
    assert await mongo["message_count_deltas"].count_documents({}) == 0  # folded
    assert (await store.counts.by_status(store.messages))["queued"] == 2  # and not twice
