"""Partitioned consumers on the real broker, K = 4 (issue 15): the outbox relay's events carry
the headers the consistent-hash exchange hashes, each dossier's events land on one partition in
publish order, two consumers share the partitions (the first one hands half back), and each
dossier's events are handled in order across the hand-over, once each. K = 1 keeps today's one
queue, and declaring one shape retires the other's bindings."""

import asyncio
from collections import defaultdict
from datetime import UTC, datetime

import aio_pika
import pytest

from motcua_shared.contract.dossier_events import DossierReceived, DossierResolved
from motcua_shared.contract.envelope import Envelope, all_event_models, parse_envelope
from motcua_shared.contract.event_base import CitizenContact
from motcua_shared.contract.survey_events import SurveyOpened
from motcua_shared.contract.topology import (
    PARTITION_HEADER,
    ConsumerSpec,
    consumer_spec,
    declare_consumer_at,
)
from motcua_shared.messaging.consumer import BatchLimits, EventConsumer
from motcua_shared.messaging.outbox import Outbox
from motcua_shared.messaging.outbox_relay import OutboxRelay
from motcua_shared.testing.plugin import eventually

K = 4
NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
BASE = {
    "unit_name": "UBND xã Cờ Đỏ",
    "province_code": "92",
    "procedure_code": "2.000815",
    "procedure_name": "Chứng thực bản sao",
    "field_code": "chung-thuc",
    "channel": "direct",
    "officer_id": "desk01",
    "contact": CitizenContact(),
}


def _event(code: str, version: int) -> Envelope:
    payload = (
        DossierReceived(**BASE, status="received")
        if version == 1
        else DossierResolved(**BASE, status="resolved", outcome="approved", resolved_at=NOW)
    )
    return Envelope.wrap(
        payload,
        aggregate_id=code,
        aggregate_version=version,
        unit_code="31261",
        correlation_id=f"c-{code}",
        occurred_at=NOW,
    )


def _survey(code: str) -> Envelope:
    payload = SurveyOpened(
        dossier_code=code,
        unit_name="UBND xã Cờ Đỏ",
        province_code="92",
        procedure_code="2.000815",
        field_code="chung-thuc",
        survey_url="http://s/1",
        expires_at=NOW,
        contact=CitizenContact(),
    )
    return Envelope.wrap(
        payload,
        aggregate_id=f"survey-{code}",
        aggregate_version=1,
        unit_code="31261",
        correlation_id=f"c-{code}",
        occurred_at=NOW,
    )


async def _publish(mongo, amqp_url: str, exchange: str, envelopes: list[Envelope]) -> None:
    """Through the real outbox relay, which sets the headers and declares the consumers."""
    outbox = Outbox(mongo[f"outbox_{len(envelopes)}_{envelopes[0].event_id.hex[:6]}"])
    await outbox.ensure_indexes()
    for envelope in envelopes:
        await outbox.add(envelope)
    relay = OutboxRelay(outbox, amqp_url, exchange)
    try:
        while await relay.publish_pending():
            pass
    finally:
        await relay.close()


async def _ready(channel: aio_pika.abc.AbstractChannel, name: str) -> int:
    """Messages in the queue (a confirmed publish is already there)."""
    return (await channel.declare_queue(name, passive=True)).declaration_result.message_count or 0


async def _drain(
    channel: aio_pika.abc.AbstractChannel, name: str
) -> list[aio_pika.abc.AbstractIncomingMessage]:
    """Every message now in the queue, in order, by consuming (single-active quorum queues
    refuse basic.get)."""
    expected = await _ready(channel, name)
    if not expected:
        return []
    got: list[aio_pika.abc.AbstractIncomingMessage] = []

    async def take(message: aio_pika.abc.AbstractIncomingMessage) -> None:
        got.append(message)

    queue = await channel.declare_queue(name, passive=True)
    tag = await queue.consume(take, no_ack=True)
    await eventually(lambda: _true(len(got) >= expected), timeout=30)
    await queue.cancel(tag)
    return got


async def test_each_dossier_lands_on_one_partition_in_order(
    amqp_url, exchange_name, amqp_cleanup, mongo, monkeypatch
):
    monkeypatch.setenv("MOTCUA_PARTITIONS", str(K))  # the relay declares every consumer with it
    codes = [f"31261-261202-{n:04d}" for n in range(60)]
    # v1 of every dossier, then v2, then each dossier's survey (another aggregate, same dossier).
    await _publish(
        mongo,
        amqp_url,
        exchange_name,
        [_event(code, v) for v in (1, 2) for code in codes] + [_survey(code) for code in codes],
    )
    spec = consumer_spec(exchange_name, "notify")
    assert spec.queues == tuple(f"{exchange_name}.notify.p{i}" for i in range(K))
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        found: dict[str, list[tuple[int, str]]] = defaultdict(
            list
        )  # code -> (partition, event type)
        for index, name in enumerate(spec.queues):
            for message in await _drain(channel, name):
                envelope = parse_envelope(message.body)
                code = message.headers[PARTITION_HEADER]
                assert message.headers["aggregate_id"] == envelope.aggregate_id
                assert message.headers["aggregate_version"] == envelope.aggregate_version
                found[str(code)].append((index, envelope.event_type))
        # Survey's queue is not partitioned; reporting's is, like notify's.
        assert (
            len(await _drain(channel, f"{exchange_name}.survey")) == 0
        )  # binds result_returned only
        reporting = consumer_spec(exchange_name, "reporting").queues
        assert sum([await _ready(channel, name) for name in reporting]) == 2 * len(codes)
    assert sorted(found) == codes
    for code, landed in found.items():
        assert len({partition for partition, _ in landed}) == 1, (
            f"{code} spread over partitions: {landed}"
        )
        assert [kind for _, kind in landed] == [
            "dossier.received",
            "dossier.resolved",
            "survey.opened",
        ]
    used = {landed[0][0] for landed in found.values()}
    assert used == set(range(K))  # 60 dossiers spread over every partition


async def test_two_consumers_share_the_partitions_and_keep_each_dossier_in_order(
    amqp_url, exchange_name, amqp_cleanup, mongo
):
    spec = ConsumerSpec(exchange_name, "probe", ("dossier.#",), single_active=True, partitions=K)
    handled: list[tuple[str, str, int]] = []  # (consumer, dossier, version), in handling order

    def recorder(name: str):
        async def handle(envelopes):
            for envelope in envelopes:
                handled.append((name, envelope.aggregate_id, envelope.aggregate_version))
            await asyncio.sleep(0.01)  # a little work, so batches overlap the hand-over

        return handle

    dossier_events = [m for m in all_event_models() if m.aggregate == "dossier"]
    limits = BatchLimits(prefetch=20, max_batch=10, max_wait_ms=5, rebalance_seconds=0.3)
    first = EventConsumer(
        spec, batch_handler=recorder("first"), events=dossier_events, limits=limits
    )
    second = EventConsumer(
        spec, batch_handler=recorder("second"), events=dossier_events, limits=limits
    )
    codes = [f"31261-261202-{n:04d}" for n in range(40)]
    await first.start(amqp_url)
    try:
        await _publish(mongo, amqp_url, exchange_name, [_event(code, 1) for code in codes])
        assert await eventually(lambda: _done(handled, len(codes)), timeout=30)
        assert first.subscriptions is not None and first.subscriptions.active == set(range(K))
        await second.start(amqp_url)  # stands by on every partition, behind the first
        # The first counts two replicas and hands back its surplus: two partitions each.
        assert await eventually(
            lambda: _true(len(first.subscriptions.active) == K // 2), timeout=30
        )
        await _publish(
            mongo, amqp_url, exchange_name, [_event(code, v) for v in (2, 3, 4) for code in codes]
        )
        assert await eventually(lambda: _done(handled, 4 * len(codes)), timeout=60)
    finally:
        await second.stop()
        await first.stop()
    by_dossier: dict[str, list[int]] = defaultdict(list)
    by_consumer: dict[str, set[str]] = defaultdict(set)
    for name, code, version in handled:
        by_dossier[code].append(version)
        if version > 1:
            by_consumer[name].add(code)
    assert all(versions == [1, 2, 3, 4] for versions in by_dossier.values()), by_dossier
    assert by_consumer["first"] and by_consumer["second"], "both consumers handled dossiers"
    assert second.subscriptions is not None and second.subscriptions.active


async def test_changing_k_retires_the_other_shape(amqp_url, exchange_name, amqp_cleanup, mongo):
    one = ConsumerSpec(exchange_name, "probe", ("dossier.#",), single_active=True)
    four = ConsumerSpec(exchange_name, "probe", ("dossier.#",), single_active=True, partitions=K)
    two = ConsumerSpec(exchange_name, "probe", ("dossier.#",), single_active=True, partitions=2)
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()

        async def counts(spec: ConsumerSpec) -> dict[str, int]:
            result = {}
            for name in (one.queue, *four.queues):
                result[name[len(exchange_name) + 6 :] or "single"] = await _ready(channel, name)
                await (await channel.declare_queue(name, passive=True)).purge()
            return result

        await declare_consumer_at(amqp_url, one)
        await declare_consumer_at(amqp_url, four)  # the single queue stops receiving
        await _publish(mongo, amqp_url, exchange_name, [_event(f"D-{n}", 1) for n in range(20)])
        got = await counts(four)
        assert got["single"] == 0 and sum(got.values()) == 20
        await declare_consumer_at(amqp_url, two)  # partitions 2 and 3 stop receiving
        await _publish(mongo, amqp_url, exchange_name, [_event(f"E-{n}", 1) for n in range(20)])
        got = await counts(two)
        assert got[".p2"] == got[".p3"] == got["single"] == 0 and got[".p0"] + got[".p1"] == 20
        await declare_consumer_at(amqp_url, one)  # back to one queue: the hash exchange is unbound
        await _publish(mongo, amqp_url, exchange_name, [_event(f"F-{n}", 1) for n in range(20)])
        got = await counts(one)
        assert got["single"] == 20 and got[".p0"] + got[".p1"] == 0


async def _done(handled: list, count: int) -> bool:
    return len(handled) >= count


async def _true(value: bool) -> bool:
    return value


@pytest.fixture(autouse=True)
def _partitions_default(monkeypatch):
    monkeypatch.delenv("MOTCUA_PARTITIONS", raising=False)
