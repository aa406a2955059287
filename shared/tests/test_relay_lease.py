"""One relay publishes an outbox at a time (issue 15): the lease on the real Mongo-wire server,
the relays on the real broker. A killed holder (its tasks cancelled without releasing, as after
kill -9) is replaced within the lease and every event goes out in per-dossier order; a holder that
lost the lease while paused publishes nothing, and one whose clock misled it marks nothing."""

import asyncio
import itertools
import struct
from datetime import UTC, datetime

import pytest
from bson import ObjectId

from motcua_shared.contract.dossier_events import DossierWithdrawn
from motcua_shared.contract.envelope import Envelope, parse_envelope
from motcua_shared.messaging.outbox import PENDING, SENT, Outbox
from motcua_shared.messaging.outbox_relay import OutboxRelay
from motcua_shared.messaging.relay_lease import LEASE_COLLECTION, RelayLeaderGauge, RelayLease
from motcua_shared.testing.plugin import eventually

FAST = {"lease_seconds": 2.0, "renew_seconds": 0.3}  # failover in about 2.5 s


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _event(code: str, version: int) -> Envelope:
    now = datetime.now(UTC)
    payload = DossierWithdrawn(
        unit_name="UBND phường Bình Thạnh",
        province_code="79",
        procedure_code="1.001193",
        procedure_name="Đăng ký khai sinh",
        field_code="ho-tich",
        channel="online",
        status="withdrawn",
        officer_id="desk01",
        withdrawn_at=now,
    )
    return Envelope.wrap(
        payload,
        aggregate_id=code,
        aggregate_version=version,
        unit_code="26734",
        correlation_id=code,
        occurred_at=now,
    )


async def _kill(relay: OutboxRelay) -> None:
    """What kill -9 leaves: the relay's tasks gone, its connection closed, its lease kept."""
    relay._stopping = True
    tasks = [*relay._tasks, *([relay._marking] if relay._marking else [])]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await relay._drop_connection()


def _in_order_once_each(messages: list, written: list[Envelope]) -> dict[str, list[int]]:
    """The first copy of each event, per dossier: versions in the order they arrived."""
    seen: set[str] = set()
    versions: dict[str, list[int]] = {}
    for message in messages:
        envelope = parse_envelope(message.body)
        if str(envelope.event_id) not in seen:
            seen.add(str(envelope.event_id))
            versions.setdefault(envelope.aggregate_id, []).append(envelope.aggregate_version)
    assert seen == {str(e.event_id) for e in written}, "an event never reached the broker"
    return versions


async def test_a_standby_takes_the_lease_only_after_a_whole_lease_without_renewal(mongo):
    first_clock, second_clock = FakeMonotonic(), FakeMonotonic()
    lease = {"lease_seconds": 5.0, "renew_seconds": 1.5}
    first = RelayLease(mongo[LEASE_COLLECTION], "outbox", monotonic=first_clock, **lease)
    second = RelayLease(mongo[LEASE_COLLECTION], "outbox", monotonic=second_clock, **lease)

    assert await first.step()  # nobody held it: taken at once
    assert not await second.step()  # sees (token 1, beat 0) for the first time
    second_clock.now += 4.9
    assert not await second.step()
    assert await first.step()  # a renewal: the standby starts counting again
    second_clock.now += 4.9
    assert not await second.step()
    second_clock.now += 0.2
    assert not await second.step(), "only 0.2 s since the renewal was seen"
    second_clock.now += 5.0
    assert await second.step()
    assert second.token == first.token + 1

    doc = await second.current()
    assert doc is not None and doc["holder"] == second.holder_id
    assert await first.step() is False and first.token is None, "the old holder's renewal fails"

    # The old holder's own clock says it stopped before the standby's take-over could happen.
    assert first_clock.now + lease["lease_seconds"] - first.margin_seconds < first_clock.now + 5.0


async def test_a_released_lease_is_taken_at_once(mongo):
    clock = FakeMonotonic()
    first = RelayLease(mongo[LEASE_COLLECTION], "outbox", **FAST)
    second = RelayLease(mongo[LEASE_COLLECTION], "outbox", monotonic=clock, **FAST)
    assert await first.step()
    assert not await second.step()
    await first.release()
    assert await second.step(), "no lease time to wait for after a clean stop"
    assert not first.held()


async def test_two_relays_on_one_outbox_only_one_publishes(
    mongo, amqp_url, exchange_name, event_probe
):
    outbox = Outbox(mongo["outbox"])
    await outbox.ensure_indexes()
    # A long lease: a loaded machine stalling the holder's loop must not let the standby in here.
    relays = [
        OutboxRelay(
            outbox, amqp_url, exchange_name, poll_interval=0.1, lease_seconds=20, renew_seconds=1
        )
        for _ in range(2)
    ]
    written = [_event(f"D-{i}", 1) for i in range(40)]
    try:
        for relay in relays:
            relay.start()
        for envelope in written:
            await outbox.add(envelope)
            for relay in relays:
                relay.wake()  # both replicas' commits wake their relays
        await eventually(lambda: _count(mongo, SENT, 40), timeout=30)
        await event_probe.wait_for(40)

        holders = [relay for relay in relays if relay.published_total]
        assert len(holders) == 1, [relay.published_total for relay in relays]
        assert holders[0].published_total == 40
        doc = await mongo[LEASE_COLLECTION].find_one({"_id": "outbox"})
        assert doc["holder"] == holders[0].lease.holder_id
        gauges = [_leader_value(relay) for relay in relays]
        assert sorted(gauges) == [0.0, 1.0]
    finally:
        for relay in relays:
            await relay.stop()
    assert sorted(m.message_id for m in event_probe.messages) == sorted(
        str(e.event_id) for e in written
    )


async def test_a_killed_holder_is_replaced_and_every_event_goes_out_in_order(
    mongo, amqp_url, exchange_name, event_probe
):
    outbox = Outbox(mongo["outbox"])
    await outbox.ensure_indexes()
    relays = [
        OutboxRelay(outbox, amqp_url, exchange_name, poll_interval=0.1, batch_size=7, **FAST)
        for _ in range(2)
    ]
    for relay in relays:
        relay.start()
    # Dossiers written in turns, each through versions 1-6, while the holder is killed midway.
    written = [
        _event(f"D-{code}", version) for version, code in itertools.product(range(1, 7), range(20))
    ]
    try:
        for envelope in written[:60]:
            await outbox.add(envelope)
            for relay in relays:
                relay.wake()
        await eventually(lambda: _count(mongo, SENT, 20), timeout=30)
        # Whichever holds the lease now (a loaded machine may have moved it already) is killed.
        lease = await mongo[LEASE_COLLECTION].find_one({"_id": "outbox"})
        holder = next(r for r in relays if r.lease.holder_id == lease["holder"])
        survivor = next(r for r in relays if r is not holder)
        await _kill(holder)
        for envelope in written[60:]:
            await outbox.add(envelope)
            survivor.wake()
        await eventually(lambda: _count(mongo, SENT, len(written)), timeout=60)
        taken = await mongo[LEASE_COLLECTION].find_one({"_id": "outbox"})
        assert taken["holder"] == survivor.lease.holder_id
        assert taken["token"] > lease["token"]
        assert survivor.published_total > 0
        await eventually(
            lambda: _true(len({m.message_id for m in event_probe.messages}) == len(written)),
            timeout=30,
        )
    finally:
        for relay in relays:
            await relay.stop()
    versions = _in_order_once_each(event_probe.messages, written)
    assert versions == {f"D-{code}": [1, 2, 3, 4, 5, 6] for code in range(20)}
    assert await mongo["outbox"].count_documents({"status": PENDING}) == 0


async def test_a_paused_holder_that_lost_the_lease_publishes_nothing(
    mongo, amqp_url, exchange_name, event_probe
):
    outbox = Outbox(mongo["outbox"])
    await outbox.ensure_indexes()
    paused = OutboxRelay(
        outbox, amqp_url, exchange_name, **FAST
    )  # driven by hand: its loop never runs
    await outbox.add(_event("D-1", 1))
    assert await paused.publish_pending() == 1
    standby = OutboxRelay(outbox, amqp_url, exchange_name, poll_interval=0.1, **FAST)
    standby.start()
    try:
        await eventually(lambda: _true(standby.lease.held()), timeout=30)
    finally:
        await _kill(standby)  # so that what is pending now is left for the paused holder
    await outbox.add(_event("D-1", 2))

    assert await paused.publish_pending() == 0, "its own clock says its lease ran out"
    await paused.close()
    assert paused.published_total == 1
    assert await mongo["outbox"].count_documents({"status": PENDING}) == 1
    assert len(await event_probe.wait_for(1)) == 1


async def test_a_holder_misled_by_its_clock_marks_nothing_after_a_take_over(
    mongo, amqp_url, exchange_name, event_probe
):
    """The fencing token: a holder whose clock did not see the pause (a frozen VM) still
    believes it holds; it may publish a duplicate, but its marks are refused."""
    outbox = Outbox(mongo["outbox"])
    await outbox.ensure_indexes()
    frozen = FakeMonotonic()
    misled = OutboxRelay(
        outbox, amqp_url, exchange_name, lease=outbox.lease(monotonic=frozen, **FAST)
    )
    await outbox.add(_event("D-2", 1))
    assert await misled.publish_pending() == 1
    standby = OutboxRelay(outbox, amqp_url, exchange_name, poll_interval=0.1, **FAST)
    standby.start()
    try:
        await eventually(lambda: _true(standby.lease.held()), timeout=30)
    finally:
        await _kill(standby)
    await outbox.add(_event("D-2", 2))

    assert misled.lease.held(), "its clock stood still"
    assert await misled.publish_pending() == 0
    await misled.close()
    assert not misled.lease.held()
    assert await mongo["outbox"].count_documents({"status": PENDING}) == 1, (
        "marked by a stale token"
    )
    doc = await mongo[LEASE_COLLECTION].find_one({"_id": "outbox"})
    assert doc["holder"] == standby.lease.holder_id


def _seq(second: int, process: int, count: int = 0) -> ObjectId:
    """The seq a replica (`process`) would make in that second of a day: an ObjectId."""
    tail = process.to_bytes(5, "big") + count.to_bytes(3, "big")
    return ObjectId(struct.pack(">I", 1_796_083_200 + second) + tail)


@pytest.mark.parametrize("skew", [0, 5])
@pytest.mark.parametrize("pending_first", [True, False])
async def test_a_batch_never_leaves_an_aggregates_earlier_event_behind(mongo, pending_first, skew):
    """v2 written by replica 1 in the same second as replica 2 wrote v1 (replica 2's clock up to
    5 s ahead): v2 has the smaller seq. A full batch that holds v2 also holds v1, before it; D-8's
    v3, written 20 s later, waits for the next batch."""
    outbox = Outbox(mongo["outbox"])
    await outbox.ensure_indexes()
    writes = [
        (_event("D-9", 1), _seq(1, 1, 1) if pending_first else _seq(0, 1)),
        (_event("D-8", 2), _seq(1, 1)),
        (_event("D-8", 1), _seq(1 + skew, 2)),
        (_event("D-8", 3), _seq(21, 1)),
    ]
    for envelope, seq in writes:
        await outbox.add(envelope)
        await mongo["outbox"].update_one({"_id": str(envelope.event_id)}, {"$set": {"seq": seq}})
    batch = await outbox.next_batch(2)
    pairs = [(doc["aggregate_id"], doc["aggregate_version"]) for doc in batch]
    assert sorted(pairs) == [("D-8", 1), ("D-8", 2), ("D-9", 1)]
    assert pairs.index(("D-8", 1)) < pairs.index(("D-8", 2))
    later = await outbox.next_batch(2, skip=[doc["_id"] for doc in batch])
    assert [(doc["aggregate_id"], doc["aggregate_version"]) for doc in later] == [("D-8", 3)]


async def _count(mongo, status: str, at_least: int) -> bool:
    return await mongo["outbox"].count_documents({"status": status}) >= at_least


async def _true(value: bool) -> bool:
    return value


def _leader_value(relay: OutboxRelay) -> float:
    gauge = RelayLeaderGauge(relay.lease)
    samples = [s for metric in gauge.collect() for s in metric.samples]
    return samples[0].value
