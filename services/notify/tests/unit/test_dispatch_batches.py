"""The dispatcher sends a claimed batch concurrently: never more calls in flight to a provider
than its limit, a dossier's messages one after the other in the order they were made, and when
one goes back to the queue the later ones of its dossier wait for it, unsent."""

import asyncio

from motcua_shared.contract.event_base import MessageChannel

from notify.domain.delivery_policy import Outcome, RetryPolicy
from notify.domain.message import Status


class InFlight:
    """Counts provider calls in progress; each call yields to the loop a few times so that an
    unbounded dispatcher would start the others meanwhile."""

    def __init__(self) -> None:
        self.now, self.most = 0, 0

    async def __call__(self, message) -> None:
        self.now += 1
        self.most = max(self.most, self.now)
        for _ in range(5):
            await asyncio.sleep(0)
        self.now -= 1


async def test_calls_to_a_provider_never_exceed_its_limit(world, events):
    for i in range(8):
        await world.accept(events.received(f"D-{i}"))
    world.dispatcher.send.slots[MessageChannel.ZALO] = asyncio.Semaphore(3)
    world.zalo.during_send = in_flight = InFlight()

    assert await world.dispatcher.run_once() == 8

    assert in_flight.most == 3  # concurrent, and bounded
    assert {m.status for m in world.messages()} == {Status.SENT}


async def test_a_dossiers_messages_go_one_after_the_other_in_order(world, events):
    code = "D-1"
    envelopes = [events.received(code), events.supplement(code), events.apology(code)]
    for envelope in envelopes:
        await world.accept(envelope)
    world.dispatcher.send.slots[MessageChannel.ZALO] = asyncio.Semaphore(3)
    world.zalo.during_send = in_flight = InFlight()

    await world.dispatcher.run_once()

    assert in_flight.most == 1
    assert world.zalo.calls == world.store.made  # the order they were made


async def test_later_messages_wait_for_an_earlier_one_sent_back_to_the_queue(world, events, clock):
    code = "D-1"
    for envelope in (events.received(code), events.resolved(code)):
        await world.accept(envelope)
    world.zalo.outcomes = [Outcome.TRANSIENT, Outcome.ACCEPTED]
    world.dispatcher.send.policy = RetryPolicy(3, 2, 30, 60)  # Zalo's retry waits 30 s
    first, second = world.store.made

    await world.dispatcher.run_once()  # both claimed in one batch; the first gets a 503

    assert world.zalo.calls == [first]
    assert [world.store.messages[i].status for i in (first, second)] == [
        Status.QUEUED,
        Status.QUEUED,
    ]
    assert world.store.messages[second].not_before == world.store.messages[first].not_before

    clock.now = world.store.messages[first].not_before
    await world.dispatcher.run_once()
    assert world.zalo.calls == [first, first, second]


async def test_a_batchs_outcomes_are_recorded_in_one_write_after_its_sends(world, events):
    for i in range(8):
        await world.accept(events.received(f"D-{i}"))
    still_sending: list[Status] = []

    async def look(message) -> None:  # nothing of the batch is recorded while it is being sent
        still_sending.extend(m.status for m in world.messages())

    world.zalo.during_send = look

    assert await world.dispatcher.run_once() == 8

    assert world.store.outcome_writes == 1
    assert set(still_sending) == {Status.SENDING}
    assert {m.status for m in world.messages()} == {Status.SENT}
    assert world.event_types() == ["notification.sent"] * 8


async def test_an_outcome_whose_claim_was_lost_is_not_recorded(world, events, clock):
    """The lease ran out during the call and another dispatcher recovered the message: our
    answer changes nothing and publishes nothing (the recovery's outcome stands)."""
    await world.accept(events.received("D-1"))
    await world.accept(events.received("D-2"))

    async def lose_the_first_claim(message) -> None:
        stored = world.store.messages[message.id]
        if stored.dossier_code == "D-1":
            stored.status, stored.claim_token, stored.reason = (
                Status.FAILED,
                None,
                "outcome_unknown: test",
            )

    world.zalo.during_send = lose_the_first_claim

    await world.dispatcher.run_once()

    by_code = {m.dossier_code: m for m in world.messages()}
    assert (
        by_code["D-1"].status == Status.FAILED and by_code["D-1"].reason == "outcome_unknown: test"
    )
    assert by_code["D-2"].status == Status.SENT
    assert world.event_types() == ["notification.sent"]
