"""Events written while RabbitMQ is unreachable are delivered once it is back: the relay is
cut off by a TCP proxy (closed, then reopened), the shared broker itself keeps running."""

from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest_asyncio

from motcua_shared.contract.envelope import parse_envelope
from motcua_shared.messaging.outbox import PENDING
from motcua_shared.testing.plugin import eventually

from intake.main import create_app
from intake.settings import IntakeSettings

from .conftest import COPY_CERT, Intake
from .tcp_proxy import TcpProxy


@pytest_asyncio.fixture
async def proxy(amqp_url):
    parts = urlsplit(amqp_url)
    tcp = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5672)
    await tcp.open()
    yield tcp
    await tcp.close()


@pytest_asyncio.fixture
async def intake_behind_proxy(
    proxy, amqp_url, mongodb_url, exchange_name, db_name, mongo, amqp_cleanup
):
    parts = urlsplit(amqp_url)
    netloc = f"{parts.username or 'guest'}:{parts.password or 'guest'}@127.0.0.1:{proxy.port}"
    settings = IntakeSettings(
        amqp_url=urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")),
        mongodb_url=mongodb_url,
        exchange=exchange_name,
        db_name=db_name,
        relay_poll_interval=0.1,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://intake"
        ) as http:
            yield Intake(app, http, settings, mongo)


async def test_events_written_while_the_broker_is_unreachable_go_out_when_it_is_back(
    intake_behind_proxy, proxy, event_probe, caplog
):
    intake = intake_behind_proxy
    first = (await intake.receive(COPY_CERT)).json()["code"]
    await event_probe.wait_for(1)  # the relay is connected through the proxy

    async def none_pending() -> bool:
        return await intake.db.outbox.count_documents({"status": PENDING}) == 0

    # The probe can see the event before its confirm reaches the relay; cut only once it is marked
    # sent, or the first event is (rightly) published again and the counts below drift.
    await eventually(none_pending, timeout=10)
    await proxy.close()
    codes = []
    for _ in range(3):
        response = await intake.receive(COPY_CERT)
        assert response.status_code == 201  # the desk keeps working
        codes.append(response.json()["code"])

    async def relay_failed() -> bool:
        return any("cannot publish" in record.getMessage() for record in caplog.records)

    await eventually(relay_failed, timeout=15)  # the relay tried, and the broker was not there
    assert await intake.db.outbox.count_documents({"status": PENDING}) == 3
    assert len(event_probe.messages) == 1

    await proxy.open()
    messages = await event_probe.wait_for(4, timeout=45)
    assert [parse_envelope(m.body).aggregate_id for m in messages] == [first, *codes]
    await eventually(none_pending, timeout=10)
