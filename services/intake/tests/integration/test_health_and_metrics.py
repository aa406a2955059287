"""/healthz, /readyz and /metrics on intake started through its own wiring: readiness follows
MongoDB and RabbitMQ (each cut by a TCP proxy, the shared servers keep running), the outbox
backlog grows while the broker is away and drains when it is back, overdue dossiers are counted
per unit."""

from collections.abc import AsyncIterator
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest_asyncio

from motcua_shared.messaging.outbox import PENDING
from motcua_shared.testing.metrics import metric_becomes, scrape
from motcua_shared.testing.plugin import eventually
from motcua_shared.testing.tcp_proxy import TcpProxy
from motcua_shared.vietnam.timeutil import utcnow

from intake.main import create_app
from intake.settings import IntakeSettings

from .conftest import COPY_CERT, DISABILITY, OTHER_UNIT, UNIT, Intake


def _through(url: str, proxy: TcpProxy, option: str = "") -> str:
    parts = urlsplit(url)
    credentials = f"{parts.username}:{parts.password}@" if parts.username else ""
    query = "&".join(q for q in (parts.query, option) if q)
    return urlunsplit(
        (parts.scheme, f"{credentials}127.0.0.1:{proxy.port}", parts.path or "/", query, "")
    )


@pytest_asyncio.fixture
async def proxies(amqp_url: str, mongodb_url: str) -> AsyncIterator[dict[str, TcpProxy]]:
    made = {}
    for name, url in (("rabbitmq", amqp_url), ("mongodb", mongodb_url)):
        parts = urlsplit(url)
        made[name] = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 0)
        await made[name].open()
    yield made
    for proxy in made.values():
        await proxy.close()


@pytest_asyncio.fixture
async def cut_off_intake(
    proxies, amqp_url, mongodb_url, exchange_name, db_name, mongo, amqp_cleanup
) -> AsyncIterator[Intake]:
    """Intake reaching RabbitMQ and MongoDB only through the proxies, gauges refreshed often."""
    settings = IntakeSettings(
        amqp_url=_through(amqp_url, proxies["rabbitmq"]),
        # Direct: a replica set member would otherwise be reached at the address it announces,
        # around the proxy.
        mongodb_url=_through(mongodb_url, proxies["mongodb"], "directConnection=true"),
        exchange=exchange_name,
        db_name=db_name,
        relay_poll_interval=0.1,
        metrics_refresh_seconds=0.1,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://intake"
        ) as http:
            yield Intake(app, http, settings, mongo)


async def _readiness(http: httpx.AsyncClient) -> tuple[int, dict]:
    response = await http.get("/readyz")
    return response.status_code, response.json()


async def test_healthy_intake_is_live_and_ready_and_keeps_ops_routes_out_of_openapi(intake):
    assert (await intake.http.get("/healthz")).json() == {"status": "ok"}
    status, body = await _readiness(intake.http)
    assert status == 200
    assert body == {
        "status": "ready",
        "checks": {"mongodb": {"status": "up"}, "rabbitmq": {"status": "up"}},
    }
    paths = (await intake.http.get("/openapi.json")).json()["paths"]
    assert not {"/healthz", "/readyz", "/metrics"} & set(paths)


async def test_http_requests_are_counted_by_route_template_not_raw_path(intake):
    code = (await intake.receive(COPY_CERT)).json()["code"]
    assert (
        await intake.http.get(f"/api/v1/dossiers/{code}", headers=intake.auth("desk"))
    ).status_code == 200
    assert (
        await intake.http.get("/api/v1/dossiers/NO-SUCH", headers=intake.auth("desk"))
    ).status_code == 404
    await intake.http.get("/no/such/route")

    text = (await intake.http.get("/metrics")).text
    assert "motcua_http_requests_total" in text and code not in text
    template = "/api/v1/dossiers/{code}"
    assert (
        await scrape(intake.http, "motcua_http_requests_total", route=template, status="200") == 1
    )
    assert (
        await scrape(intake.http, "motcua_http_requests_total", route=template, status="404") == 1
    )
    assert (
        await scrape(intake.http, "motcua_http_requests_total", route="unmatched", status="404")
        == 1
    )
    assert await scrape(intake.http, "motcua_http_requests_total", route="/metrics") is None


async def test_readiness_follows_mongodb(cut_off_intake, proxies):
    http = cut_off_intake.http
    assert (await _readiness(http))[0] == 200

    await proxies["mongodb"].close()
    status, body = await _readiness(http)
    assert status == 503 and body["status"] == "not_ready"
    assert (
        body["checks"]["mongodb"]["status"] == "down"
        and body["checks"]["rabbitmq"]["status"] == "up"
    )
    assert (
        await http.get("/healthz")
    ).status_code == 200  # alive all the same: no restart for this

    await proxies["mongodb"].open()

    async def ready_again() -> bool:
        return (await _readiness(http))[0] == 200

    await eventually(ready_again, timeout=30)


async def test_outbox_backlog_grows_while_rabbitmq_is_away_and_drains_after(
    cut_off_intake, proxies
):
    intake = cut_off_intake
    await intake.receive(COPY_CERT)

    async def published() -> bool:
        return await intake.db.outbox.count_documents({"status": PENDING}) == 0

    await eventually(published)  # cut only once the first event is out, or it would count too
    await proxies["rabbitmq"].close()
    for _ in range(2):
        assert (await intake.receive(COPY_CERT)).status_code == 201
    assert await metric_becomes(intake.http, "motcua_outbox_pending_events", lambda v: v == 2) == 2
    await metric_becomes(
        intake.http, "motcua_outbox_oldest_pending_age_seconds", lambda v: v is not None and v > 0
    )
    status, body = await _readiness(intake.http)
    assert status == 503 and body["checks"]["rabbitmq"]["status"] == "down"

    await proxies["rabbitmq"].open()
    await metric_becomes(intake.http, "motcua_outbox_pending_events", lambda v: v == 0, timeout=60)
    assert await scrape(intake.http, "motcua_outbox_oldest_pending_age_seconds") == 0
    assert (await _readiness(intake.http))[0] == 200


async def test_overdue_dossiers_are_counted_per_unit(intake):
    late = (await intake.receive(DISABILITY)).json()["code"]
    handed_over = (await intake.receive(DISABILITY)).json()["code"]
    assert (
        await intake.act(
            handed_over, "hand-over", body={"to_officer_id": "cm-02", "step": "chuyen-mon"}
        )
    ).status_code == 200
    waiting = (await intake.receive(DISABILITY)).json()["code"]
    assert (
        await intake.act(
            waiting,
            "request-supplement",
            body={"missing_papers": ["Ảnh 4x6"], "reason": "Thiếu ảnh"},
        )
    ).status_code == 200
    await intake.receive(DISABILITY)  # still within its time
    other_unit = (await intake.receive(DISABILITY, unit=OTHER_UNIT)).json()["code"]
    # Time passes: these due dates are now behind us. The supplement's clock is stopped, so it is
    # not overdue; the one still within its time is not either.
    yesterday = utcnow() - timedelta(days=1)
    for code in (late, handed_over, waiting, other_unit):
        await intake.db.dossiers.update_one({"_id": code}, {"$set": {"due_at": yesterday}})

    await intake.app.state.ops.gauges.refresh_all()
    assert await scrape(intake.http, "motcua_intake_overdue_dossiers", unit_code=UNIT) == 2
    assert await scrape(intake.http, "motcua_intake_overdue_dossiers", unit_code=OTHER_UNIT) == 1

    assert (await intake.act(late, "resolve", "leader", {"outcome": "approved"})).status_code == 200
    await intake.app.state.ops.gauges.refresh_all()
    assert await scrape(intake.http, "motcua_intake_overdue_dossiers", unit_code=UNIT) == 1
