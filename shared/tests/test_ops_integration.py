"""The shared health and metrics pieces against the real broker and Mongo-wire server:
readiness per check, the outbox and queue gauges moving with real data, and a failing gauge
source logged once rather than at every round."""

import logging
from datetime import UTC, datetime, timedelta

import aio_pika
import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import generate_latest
from prometheus_client.metrics_core import GaugeMetricFamily

from motcua_shared.contract.dossier_events import DossierWithdrawn
from motcua_shared.contract.envelope import Envelope
from motcua_shared.contract.topology import ConsumerSpec, declare_consumer_at, declare_exchange
from motcua_shared.messaging.amqp_probe import AmqpProbe
from motcua_shared.messaging.outbox import Outbox
from motcua_shared.ops.backlog_gauges import OutboxBacklogGauge, QueueDepthGauge
from motcua_shared.ops.gauge_refresh import GaugeRefresher
from motcua_shared.ops.health import Readiness, health_router, mongo_ping
from motcua_shared.ops.metrics import metrics_router, new_registry
from motcua_shared.storage.embedded_mongo import free_port
from motcua_shared.storage.mongo import close_client, mongo_client
from motcua_shared.testing.metrics import sample, scrape
from motcua_shared.testing.plugin import eventually


def _event(code: str) -> Envelope:
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
        aggregate_version=1,
        unit_code="26734",
        correlation_id=code,
        occurred_at=now,
    )


def _app(readiness: Readiness, refresher_registry=None) -> httpx.AsyncClient:
    app = FastAPI()
    app.include_router(health_router(readiness))
    if refresher_registry is not None:
        app.include_router(metrics_router(refresher_registry))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ops")


async def test_readiness_is_503_until_every_check_passes(mongodb_url, amqp_url):
    up = mongo_client(mongodb_url)
    closed_port = free_port()  # nothing listens there
    down = mongo_client(f"mongodb://127.0.0.1:{closed_port}/?directConnection=true")
    unreachable_broker = AmqpProbe(f"amqp://guest:guest@127.0.0.1:{closed_port}/")
    broker = AmqpProbe(amqp_url)
    readiness = Readiness(timeout=1.0)
    try:
        async with _app(readiness) as http:
            assert (
                await http.get("/readyz")
            ).status_code == 503  # no checks yet: the lifespan has not run
            assert (await http.get("/healthz")).status_code == 200

            readiness.use({"mongodb": mongo_ping(down), "rabbitmq": unreachable_broker.ping})
            response = await http.get("/readyz")
            assert response.status_code == 503
            checks = response.json()["checks"]
            assert checks["mongodb"] == {"status": "down", "error": "no answer within 1 s"}
            assert (
                checks["rabbitmq"]["status"] == "down"
                and str(closed_port) not in checks["rabbitmq"]["error"]
            )

            readiness.use({"mongodb": mongo_ping(up), "rabbitmq": broker.ping})
            response = await http.get("/readyz")
            assert response.status_code == 200
            assert response.json() == {
                "status": "ready",
                "checks": {"mongodb": {"status": "up"}, "rabbitmq": {"status": "up"}},
            }
    finally:
        await broker.close()
        await unreachable_broker.close()
        await close_client(up)
        await close_client(down, timeout=1)


async def test_outbox_backlog_gauge_counts_pending_events_and_the_oldest_age(mongo):
    outbox = Outbox(mongo["outbox"])
    await outbox.ensure_indexes()
    now = datetime.now(UTC)
    gauge = OutboxBacklogGauge(outbox, clock=lambda: now + timedelta(minutes=5))
    registry = new_registry()
    refresher = GaugeRefresher(registry, interval=60)
    refresher.attach(gauge)

    await refresher.refresh_all()
    assert _value(registry, "motcua_outbox_pending_events") == 0
    assert _value(registry, "motcua_outbox_oldest_pending_age_seconds") == 0

    written = [_event(f"D-{n}") for n in range(3)]
    for envelope in written:
        await outbox.add(envelope)
    await refresher.refresh_all()
    assert _value(registry, "motcua_outbox_pending_events") == 3
    oldest = (await mongo["outbox"].find_one({"_id": str(written[0].event_id)}))["created_at"]
    expected_age = (now + timedelta(minutes=5) - oldest).total_seconds()
    assert _value(registry, "motcua_outbox_oldest_pending_age_seconds") == pytest.approx(
        expected_age
    )

    await outbox.mark_sent([str(written[0].event_id), str(written[1].event_id)])
    await refresher.refresh_all()
    assert _value(registry, "motcua_outbox_pending_events") == 1


async def test_queue_gauge_shows_messages_waiting_for_a_stopped_consumer(
    amqp_url, exchange_name, amqp_cleanup
):
    spec = ConsumerSpec(exchange_name, "probe", ("dossier.#",))
    await declare_consumer_at(amqp_url, spec)  # the queue exists; nobody consumes it
    probe = AmqpProbe(amqp_url)
    registry = new_registry()
    refresher = GaugeRefresher(registry, interval=60)
    refresher.attach(QueueDepthGauge(probe, spec))
    try:
        connection = await aio_pika.connect(amqp_url)
        async with connection:
            channel = await connection.channel(publisher_confirms=True)
            exchange = await declare_exchange(channel, exchange_name)
            for n in range(4):
                await exchange.publish(
                    aio_pika.Message(_event(f"Q-{n}").model_dump_json().encode()),
                    routing_key="dossier.withdrawn",
                )
        await refresher.refresh_all()
        assert _value(registry, "motcua_queue_messages_ready", queue=spec.queue) == 4
        assert _value(registry, "motcua_queue_messages_ready", queue=spec.dead_letter_queue) == 0
        assert _value(registry, "motcua_queue_consumers", queue=spec.queue) == 0

        with pytest.raises(aio_pika.exceptions.ChannelClosed):
            await probe.queue_depth(f"{exchange_name}.no-such-queue")
        assert await probe.queue_depth(spec.queue) == (4, 0)  # the probe recovered by itself
    finally:
        await probe.close()


class _Flaky:
    """A gauge source of our own that fails while `broken` is set."""

    name = "flaky"

    def __init__(self) -> None:
        self.broken, self.value = False, 0

    def collect(self):
        yield GaugeMetricFamily("motcua_test_flaky", "test", value=self.value)

    async def refresh(self) -> None:
        if self.broken:
            raise ConnectionError("database away")
        self.value += 1


async def test_a_failing_source_is_logged_once_keeps_its_value_and_is_counted(mongo, caplog):
    caplog.set_level(logging.INFO, logger="motcua_shared.ops.gauge_refresh")
    registry = new_registry()
    refresher = GaugeRefresher(registry, interval=60)
    flaky = _Flaky()
    outbox = Outbox(mongo["outbox"])
    refresher.attach(flaky, OutboxBacklogGauge(outbox))
    await refresher.refresh_all()
    assert _value(registry, "motcua_test_flaky") == 1

    flaky.broken = True
    await outbox.add(_event("F-1"))
    for _ in range(5):
        await refresher.refresh_all()
    assert _value(registry, "motcua_test_flaky") == 1  # last good value kept
    assert _value(registry, "motcua_metrics_refresh_failures_total", source="flaky") == 5
    assert _value(registry, "motcua_outbox_pending_events") == 1  # the other source goes on
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "flaky" in warnings[0].getMessage()

    flaky.broken = False
    await refresher.refresh_all()
    await refresher.refresh_all()
    assert _value(registry, "motcua_test_flaky") == 3  # refreshed at each round again
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.INFO] == [
        "metrics: flaky refreshed again"
    ]


async def test_background_refresh_feeds_the_metrics_route(mongo):
    registry = new_registry()
    refresher = GaugeRefresher(registry, interval=0.05)
    outbox = Outbox(mongo["outbox"])
    await outbox.add(_event("B-1"))
    refresher.attach(OutboxBacklogGauge(outbox))
    refresher.start()
    try:
        async with _app(Readiness(), registry) as http:
            response = await http.get("/metrics")
            assert response.headers["content-type"].startswith("text/plain")
            assert "process_cpu_seconds_total" in response.text

            async def shows_one() -> bool:
                return await scrape(http, "motcua_outbox_pending_events") == 1

            await eventually(shows_one)
    finally:
        await refresher.stop()
    assert refresher.sources == []


def _value(registry, name: str, **labels: str) -> float | None:
    return sample(generate_latest(registry).decode(), name, **labels)
