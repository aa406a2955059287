"""A dossier's events arrive out of order: notify holds the early ones and plans every message
in lifecycle order, with the facts of the earlier events; duplicates are dropped; a gap that
never fills is given up to the DLQ with its reason after the bound (issue 15)."""

from datetime import timedelta

import pytest

from motcua_shared.consumer import PermanentError
from motcua_shared.events import parse_envelope

from notify.app.held_sweeper import HeldSweeper
from notify.domain.event_order import DossierOrder, sequence
from notify.domain.kinds import MessageKind as K


def kinds(world) -> list[str]:
    return [world.store.messages[i].kind for i in world.store.made]


async def test_result_ready_waits_for_received(world, events):
    received, resolved = events.received("D-1"), events.resolved("D-1")
    await world.accept.accept_batch([resolved])
    assert kinds(world) == []  # held: "result ready" never before "received"
    assert world.store.orders["D-1"].version == 0
    await world.accept.accept_batch([received])
    assert kinds(world) == [K.RECEIVED, K.RESULT_READY_AT_DESK]
    assert world.store.orders["D-1"].held == ()


async def test_a_reversed_batch_is_planned_in_version_order_with_earlier_facts(world, events):
    code = "D-2"
    lifecycle = [
        events.received(code),
        events.resolved(code),
        events.home_visit(code, purpose="return"),
        events.returned(code),
    ]
    # home_visit (v3) before resolved (v2): planned after it, so "result ready" names no visit
    # yet, and the return visit's date is known to later events.
    await world.accept.accept_batch(list(reversed(lifecycle)))
    assert kinds(world) == [K.RECEIVED, K.RESULT_READY_AT_DESK, K.HOME_VISIT_RETURN]
    assert world.store.orders[code].version == 4


async def test_a_death_is_known_before_the_survey_that_follows_it(world, events):
    code = "D-3"
    received, resolved = events.received(code, civil="death"), events.resolved(code, civil="death")
    returned, survey = events.returned(code, civil="death"), events.survey_opened(code)
    # The survey (another aggregate, about this dossier) and the return arrive before the
    # receipt: they wait behind the gap at version 1.
    await world.accept.accept_batch([survey, returned])
    await world.accept.accept_batch([resolved])
    assert kinds(world) == []
    await world.accept.accept_batch([received])
    assert kinds(world) == [
        K.RECEIVED,
        K.RESULT_READY_AT_DESK,
        K.CONDOLENCES,
    ]  # no survey after a death
    assert world.store.orders[code].held == ()


async def test_duplicates_of_handled_and_held_events_are_dropped(world, events):
    received, resolved, returned = (
        events.received("D-4"),
        events.resolved("D-4"),
        events.returned("D-4"),
    )
    await world.accept.accept_batch([returned, returned])  # held once
    assert len(world.store.orders["D-4"].held) == 1
    await world.accept.accept_batch([received, received, resolved])
    await world.accept.accept_batch([received, resolved, returned])  # all handled already
    assert kinds(world) == [K.RECEIVED, K.RESULT_READY_AT_DESK]
    assert world.store.orders["D-4"].version == 3


async def test_too_many_events_behind_one_gap_is_a_permanent_error(world, events):
    code = "D-5"
    events.received(code)  # version 1, never delivered
    early = [
        events.supplement(code),
        events.supplied(code),
        events.apology(code),
        events.resolved(code),
    ]
    for envelope in early[:3]:
        await world.accept.accept_batch([envelope])  # max_held = 3 in the test world
    with pytest.raises(
        PermanentError, match="version 1, which never arrived.*3 events already wait"
    ):
        await world.accept.accept_batch([early[3]])


async def test_a_gap_that_never_fills_goes_to_the_dlq_with_its_reason_after_the_bound(
    world, events, clock
):
    code = "D-6"
    received, _resolved, returned = (
        events.received(code),
        events.resolved(code),
        events.returned(code),
    )
    await world.accept.accept_batch([received])
    await world.accept.accept_batch([returned])  # v3; v2 never comes
    letters: list[tuple[bytes, str, str]] = []

    async def dead_letter(raw: bytes, routing_key: str, reason: str) -> None:
        letters.append((raw, routing_key, reason))

    sweeper = HeldSweeper(world.store, dead_letter, clock, timedelta(minutes=60))
    clock.advance(minutes=59)
    assert await sweeper.sweep() == 0
    clock.advance(minutes=2)
    assert await sweeper.sweep() == 1
    [(raw, routing_key, reason)] = letters
    assert (
        parse_envelope(raw).event_id == returned.event_id
        and routing_key == "dossier.result_returned"
    )
    assert reason == (
        f"dossier.result_returned: dossier {code}: version(s) [3] waited 61 min for version 2, "
        "which never arrived (have 1)"
    )
    assert world.store.orders[code].held == () and world.store.orders[code].version == 1
    assert kinds(world) == [K.RECEIVED]


def test_sequence_releases_a_chain_and_keeps_other_dossiers_apart(events, clock):
    a1, a2, a3 = events.received("A"), events.resolved("A"), events.returned("A")
    b1, b2 = events.received("B"), events.resolved("B")
    out = sequence(
        [a3, b2, a2, b1, a1], {"A": DossierOrder("A", version=1, rev=4)}, clock.now(), max_held=10
    )
    assert [(e.aggregate_id, e.aggregate_version) for e in out.ready] == [
        ("A", 2),
        ("A", 3),
        ("B", 1),
        ("B", 2),
    ]
    assert out.changed["A"].version == 3 and out.changed["A"].rev == 4  # the rev it was read at
    assert out.changed["B"].version == 2 and out.changed["B"].rev == 0
    assert [why for _, why in out.dropped] == ["version 1 of A is handled (have 3)"]


async def test_two_sweepers_give_a_gap_up_once_and_a_dead_sweepers_letters_still_go(
    world, events, clock
):
    code = "D-7"
    await world.accept.accept_batch([events.received(code)])
    events.resolved(code)  # version 2, never delivered
    returned = events.returned(code)
    await world.accept.accept_batch([returned])
    letters: list[str] = []

    async def dead_letter(raw: bytes, routing_key: str, reason: str) -> None:
        letters.append(reason)

    async def broker_away(raw: bytes, routing_key: str, reason: str) -> None:
        raise ConnectionError("broker away")

    clock.advance(minutes=61)
    first = HeldSweeper(world.store, broker_away, clock, timedelta(minutes=60))
    second = HeldSweeper(world.store, dead_letter, clock, timedelta(minutes=60))
    expired_read = await world.store.expired(clock.now() - timedelta(minutes=60), 10)
    with pytest.raises(ConnectionError):
        await first.sweep()  # gave the gap up, then died before its dead letter went out
    assert (
        await world.store.give_up(expired_read[0], clock.now(), "x") is False
    )  # a second sweeper's stale read
    assert (
        await second.sweep() == 0 and letters == []
    )  # nothing expired any more; the give-up is recent
    clock.advance(minutes=6)
    await second.sweep()  # the dead sweeper's letters go now, once
    assert letters == [
        f"dossier.result_returned: dossier {code}: version(s) [3] waited 61 min for version 2, "
        "which never arrived (have 1)"
    ]
    assert world.store.giving_up == {} and world.store.orders[code].held == ()
