"""/healthz, /readyz and /metrics on reporting started through its own wiring: the broker
middleware counts what the projector consumed, the queue gauges show a dead-lettered message."""

from motcua_shared.testing.metrics import refreshed, scrape
from motcua_shared.testing.plugin import eventually

from reporting.testing.event_scripts import DossierScript, due, vn

from .conftest import CERT, UNIT_A, publish, publish_events, wait_until_projected


async def test_healthy_reporting_is_live_and_ready(http):
    assert (await http.get("/healthz")).status_code == 200
    response = await http.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"mongodb": {"status": "up"}, "rabbitmq": {"status": "up"}},
    }
    paths = (await http.get("/openapi.json")).json()["paths"]
    assert not {"/healthz", "/readyz", "/metrics", "/health"} & set(paths)


async def test_consumed_events_and_dead_letters_show_in_metrics(
    app, http, mongo, amqp_url, exchange_name
):
    script = DossierScript("H1", UNIT_A, CERT)
    script.received(vn(2026, 2, 2), due(2026, 2, 5)), script.resolved(vn(2026, 2, 4))
    await publish_events(amqp_url, exchange_name, script.envelopes)
    await wait_until_projected(mongo, len(script.envelopes))

    async def all_acked() -> bool:  # the middleware counts once the handler has returned
        return await scrape(
            http,
            "motcua_broker_received_processed_messages_total",
            app_name="reporting",
            status="acked",
        ) == len(script.envelopes)

    await eventually(all_acked)

    queue = f"{exchange_name}.reporting"
    assert await refreshed(app, http, "motcua_queue_messages_ready", queue=queue + ".dlq") == 0
    await publish(amqp_url, exchange_name, [(b"[]", "dossier.received")])

    async def dead_lettered() -> bool:
        return await refreshed(app, http, "motcua_queue_messages_ready", queue=queue + ".dlq") == 1

    await eventually(dead_lettered)
    assert await scrape(http, "motcua_queue_messages_ready", queue=queue) == 0
    assert await scrape(http, "motcua_queue_consumers", queue=queue) == 1
