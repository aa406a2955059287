"""reporting's OpenAPI under generated input: never a 5xx, nothing stored by a refused request.
Requests alternate between a provincial API key and a leader's bearer token."""

import asyncio
import itertools
from datetime import date
from typing import Any

from motcua_shared.contract.survey_events import SatisfactionLevel
from motcua_shared.storage.mongo import close_client, mongo_client
from motcua_shared.testing.publish import publish_raw as publish
from motcua_shared.vietnam.timeutil import utcnow
from motcua_shared.web.auth import mint_token

from reporting.adapters.mongo_api_keys import MongoApiKeyRepository
from reporting.app.api_keys import ApiKeys
from reporting.domain.scope import AccessScope
from reporting.main import create_app
from reporting.settings import ReportingSettings
from reporting.testing.event_scripts import DossierScript, Procedure, Unit, due, survey_answer, vn

from .conftest import (
    EDGE_DATES,
    OFFICER_ROLES,
    Storage,
    fuzz_every_operation,
    served,
    steer,
    wait_for,
)

UNIT_A = Unit("26734", "UBND phường Tân Định", "79")
UNIT_B = Unit("31261", "UBND xã Cờ Đỏ", "92")
CERT = Procedure("2.000843", "Chứng thực bản sao từ bản chính", "chung-thuc")


def test_reporting_answers_bad_input_without_5xx_and_stores_nothing_it_refuses(
    amqp_url, mongodb_url, exchange_name, db_name, amqp_cleanup, sync_mongo, subtests
):
    settings = ReportingSettings(
        amqp_url=amqp_url,
        mongodb_url=mongodb_url,
        exchange=exchange_name,
        db_name=db_name,
        units_url="",
    )  # units_url="": no intake here to learn units from (tests/security checks it live)
    key = asyncio.run(_api_key(settings, AccessScope(province="79")))
    leader = mint_token(settings.jwt_secret, "fuzz-leader", UNIT_A.code, OFFICER_ROLES)
    callers = itertools.cycle([{"X-API-Key": key}, {"Authorization": f"Bearer {leader}"}])
    with served(create_app(settings)) as schema:
        events = _november()
        asyncio.run(
            publish(
                amqp_url,
                exchange_name,
                [(e.model_dump_json().encode(), e.routing_key) for e in events],
            )
        )
        wait_for(lambda: sync_mongo[db_name]["processed_events"].count_documents({}) == len(events))
        steer(
            schema,
            query={
                "unit": [UNIT_A.code],
                "province": ["79"],
                "from": ["2026-11-01", *EDGE_DATES],
                "to": ["2026-11-30", *EDGE_DATES],
            },
        )
        schema.hook("map_case")(_past_the_gate)
        storage = Storage(sync_mongo, db_name)
        tally = fuzz_every_operation(schema, subtests, storage, headers=lambda _case: next(callers))
    print("\n" + tally.report("reporting"))


def _past_the_gate(_context: Any, case: Any) -> Any:
    """A report is for a unit or a province, over from ≤ to: with both scopes keep the unit,
    with the dates reversed swap them (those 422s are reporting's own tests), so generated
    periods, extremes included, reach the figures behind the checks."""
    query = case.query
    if isinstance(query, dict):
        if "unit" in query:
            query.pop("province", None)
        start, end = _iso_date(query.get("from")), _iso_date(query.get("to"))
        if start and end and start > end:
            query["from"], query["to"] = query["to"], query["from"]
    return case


def _iso_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


async def _api_key(settings: ReportingSettings, scope: AccessScope) -> str:
    """A provincial system's key, made as `reporting-apikey create` makes it."""
    client = mongo_client(settings.mongodb_url)
    try:
        keys = ApiKeys(
            MongoApiKeyRepository(client[settings.db_name]), settings.api_key_secret, utcnow
        )
        return (await keys.create("bad-input", scope))[1]
    finally:
        await close_client(client)


def _november() -> list[Any]:
    """A few projected dossiers and an answer, so reports have rows to compute."""
    early, late, open_ = (
        DossierScript(f"N{n}", unit, CERT) for n, unit in ((1, UNIT_A), (2, UNIT_A), (3, UNIT_B))
    )
    early.received(vn(2026, 11, 2), due(2026, 11, 6)), early.resolved(vn(2026, 11, 4))
    early.returned(vn(2026, 11, 5))
    late.received(vn(2026, 11, 9), due(2026, 11, 11)), late.resolved(vn(2026, 11, 16))
    open_.received(vn(2026, 11, 10), due(2026, 11, 13))
    answer = survey_answer(early, SatisfactionLevel.SATISFIED, vn(2026, 11, 6))
    return [*early.envelopes, *late.envelopes, *open_.envelopes, answer]
