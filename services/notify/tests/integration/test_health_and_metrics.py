"""/healthz, /readyz and /metrics on notify served by uvicorn through its own wiring, gauges
refreshed by the background loop: messages by status follow what the sandbox gateway answered,
the queue gauges notify's queue, the outbox gauge the notification events; the sandbox is live."""

import httpx

from motcua_shared.testing.metrics import metric_becomes, scrape


async def test_notify_is_live_ready_and_counts_messages_by_status(harness, clock, events):
    await harness.behave("84912345679", zalo_error=-109, sms_refuse="brandname_not_registered")
    delivered_ok = events.received("26734-251125-0101")
    refused = events.received("26734-251125-0102", contact=events.contact(phone="0912345679"))
    async with harness.notify(clock, metrics_refresh_seconds=0.1) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            assert (await http.get("/healthz")).json() == {"status": "ok"}
            ready = await http.get("/readyz")
            assert ready.status_code == 200
            assert ready.json()["checks"] == {
                "mongodb": {"status": "up"},
                "rabbitmq": {"status": "up"},
            }

            await harness.publish(delivered_ok)
            await harness.publish(refused)
            await harness.wait_status(delivered_ok, "sent")
            await harness.wait_status(refused, "failed")

            for status, count in (
                ("sent", 1),
                ("failed", 1),
                ("queued", 0),
                ("sending", 0),
                ("delivered", 0),
            ):
                await metric_becomes(
                    http, "motcua_notify_messages", lambda v, c=count: v == c, status=status
                )
            queue = f"{harness.settings.exchange}.notify"
            assert await scrape(http, "motcua_queue_consumers", queue=queue) == 1
            await metric_becomes(http, "motcua_queue_messages_ready", lambda v: v == 0, queue=queue)
            await metric_becomes(http, "motcua_outbox_pending_events", lambda v: v == 0)
            assert (
                await scrape(http, "motcua_broker_received_messages_total", app_name="notify") == 2
            )


async def test_sandbox_gateway_answers_healthz(harness):
    response = await harness.http.get(f"{harness.sandbox_url}/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
