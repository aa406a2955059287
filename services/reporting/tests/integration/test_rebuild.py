"""A rebuild from intake's and survey's event logs (real HTTP, the shared event_log_router over
real Outbox collections) gives exactly the figures the live consumer gave."""

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from motcua_shared.contract.envelope import Envelope
from motcua_shared.contract.event_base import CitizenContact
from motcua_shared.contract.survey_events import SurveyOpened
from motcua_shared.messaging.outbox import Outbox
from motcua_shared.storage.embedded_mongo import free_port
from motcua_shared.storage.mongo import mongo_client
from motcua_shared.web.api_errors import install_error_handlers
from motcua_shared.web.auth import bearer_principal
from motcua_shared.web.event_log import event_log_router

from reporting.adapters.mongo_collections import PROJECTIONS
from reporting.cli.rebuild import rebuild_from_logs
from reporting.testing.event_scripts import PHONE, vn

from .conftest import UNIT_A, february, publish_events, wait_until_projected

FEB = {"from": "2026-02-01", "to": "2026-02-28"}
QUERIES = [
    ("one-stop", {"unit": UNIT_A.code, "group_by": "field"} | FEB),
    (
        "one-stop",
        {"unit": UNIT_A.code, "group_by": "procedure", "from": "2026-02-10", "to": "2026-02-24"},
    ),
    ("one-stop", {"province": "79", "from": "2026-01-01", "to": "2026-03-31"}),
    ("one-stop", {"province": "92"} | FEB),
    (
        "satisfaction",
        {"unit": UNIT_A.code, "group_by": "officer", "from": "2026-02-01", "to": "2026-03-31"},
    ),
    ("indicators", {"province": "79"} | FEB),
    ("overdue", {"unit": UNIT_A.code}),
]


async def snapshot(http, keys, mongo) -> dict:
    answers = {}
    for i, (report, params) in enumerate(QUERIES):
        headers = keys["p92"] if params.get("province") == "92" else keys["p79"]
        response = await http.get(f"/api/v1/reports/{report}", params=params, headers=headers)
        assert response.status_code == 200, response.text
        answers[f"{i}:{report}"] = response.json()
    for name in PROJECTIONS:
        answers[name] = await mongo[name].count_documents({})
    return answers


@contextlib.asynccontextmanager
async def event_log_server(outbox: Outbox, secret: str) -> AsyncIterator[str]:
    """Serves `outbox` as intake and survey do: GET /api/v1/events, system token, over real HTTP."""
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(event_log_router(lambda: outbox, bearer_principal(secret)))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await serving


async def test_rebuild_from_the_event_logs_equals_the_live_projection(
    app, http, keys, mongo, settings, amqp_url, exchange_name
):
    events = february()
    await publish_events(amqp_url, exchange_name, events)
    await wait_until_projected(mongo, len(events))
    live = await snapshot(http, keys, mongo)
    assert live["0:one-stop"]["total"]["to_handle"] == 10

    client = mongo_client(settings.mongodb_url)
    logs_db = client[f"{settings.db_name}_logs"]
    try:
        intake_log, survey_log = Outbox(logs_db["intake_outbox"]), Outbox(logs_db["survey_outbox"])
        await intake_log.ensure_indexes()
        await survey_log.ensure_indexes()
        for envelope in events:
            await (survey_log if envelope.event_type == "survey.answered" else intake_log).add(
                envelope
            )
        # survey's log also holds events reporting does not project
        await survey_log.add(
            Envelope.wrap(
                SurveyOpened(
                    dossier_code="A1",
                    procedure_code="1.001",
                    field_code="chung-thuc",
                    survey_url="https://ks.example.vn/s/1",
                    expires_at=vn(2026, 2, 11),
                    contact=CitizenContact(phone=PHONE, consent=True),
                ),
                aggregate_id="survey-A1",
                aggregate_version=1,
                unit_code=UNIT_A.code,
                correlation_id="c",
                occurred_at=vn(2026, 2, 4),
            )
        )
        async with (
            event_log_server(intake_log, settings.jwt_secret) as intake_url,
            event_log_server(survey_log, settings.jwt_secret) as survey_url,
        ):
            summary = await rebuild_from_logs(
                settings.model_copy(update={"intake_url": intake_url, "survey_url": survey_url}),
                page_size=7,
            )
    finally:
        await client.drop_database(logs_db.name)
        await client.close()

    assert (summary.read, summary.applied, summary.skipped) == (len(events) + 1, len(events), 1)
    assert (summary.rejected, summary.parked_left) == ([], 0)
    assert await snapshot(http, keys, mongo) == live


async def test_a_log_that_refuses_the_token_stops_the_rebuild_before_anything_is_dropped(
    http, keys, mongo, settings, projected_month
):
    before = await snapshot(http, keys, mongo)
    client = mongo_client(settings.mongodb_url)
    try:
        outbox = Outbox(client[f"{settings.db_name}_logs"]["outbox"])
        async with event_log_server(outbox, "another-secret-0123456789abcdef-xyz") as url:
            with pytest.raises(httpx.HTTPStatusError, match="401"):
                await rebuild_from_logs(
                    settings.model_copy(update={"intake_url": url, "survey_url": url})
                )
    finally:
        await client.drop_database(f"{settings.db_name}_logs")
        await client.close()
    assert await snapshot(http, keys, mongo) == before
