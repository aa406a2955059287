"""/healthz, /readyz and /metrics on survey started through its own wiring: the queue gauges
show a dead-lettered message and the lag that builds while the consumer is stopped, the broker
middleware what was consumed, readiness that the consumer is gone."""

from motcua_shared.testing.metrics import refreshed, scrape
from motcua_shared.testing.plugin import eventually


async def test_healthy_survey_is_live_and_ready(survey):
    assert (await survey.http.get("/healthz")).status_code == 200
    response = await survey.http.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"mongodb": {"status": "up"}, "rabbitmq": {"status": "up"}}
    paths = (await survey.http.get("/openapi.json")).json()["paths"]
    assert not {"/healthz", "/readyz", "/metrics"} & set(paths)


async def test_queue_gauges_show_dead_letters_and_the_lag_of_a_stopped_consumer(
    survey, publish, returned
):
    app, http = survey.app, survey.http
    queue = f"{survey.settings.exchange}.survey"
    assert await refreshed(app, http, "motcua_queue_consumers", queue=queue) == 1
    assert await refreshed(app, http, "motcua_queue_messages_ready", queue=queue + ".dlq") == 0

    await publish(b"{not json", routing_key="dossier.result_returned")

    async def dead_lettered() -> bool:
        return await refreshed(app, http, "motcua_queue_messages_ready", queue=queue + ".dlq") == 1

    await eventually(dead_lettered)
    assert await scrape(http, "motcua_broker_received_messages_total", app_name="survey") == 1

    await app.state.services.consumer.stop()
    for n in range(3):
        await publish(returned(f"79-27100-260310-000{n}"))

    async def waiting() -> bool:
        return await refreshed(app, http, "motcua_queue_messages_ready", queue=queue) == 3

    await eventually(waiting)
    assert await scrape(http, "motcua_queue_consumers", queue=queue) == 0
    response = await http.get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["rabbitmq"]["status"] == "down"
