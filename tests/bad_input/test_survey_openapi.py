"""survey's OpenAPI under generated input: never a 5xx, nothing stored by a refused request.
(The citizen's HTML pages `/s/{token}` and `/hop-thu/{unit}` are not in the OpenAPI.)"""

import asyncio

from motcua_shared.testing.publish import publish_raw as publish
from motcua_shared.vietnam.timeutil import to_vn, utcnow
from motcua_shared.web.auth import mint_token

from survey.main import create_app
from survey.settings import SurveySettings

from .conftest import (
    OFFICER_ROLES,
    OUTBOX_RELAY_FIELDS,
    Storage,
    bearer,
    fuzz_every_operation,
    returned_event,
    served,
    steer,
    wait_for,
)

UNIT = "26734"
OTHER_UNIT = "31261"
IGNORED = {
    # Every suggestion sent counts towards the sender's limit, refused ones too (a flood stays
    # refused until it stops): a 429 writes here by design.
    "suggestion_hits": "suggestions are counted per sender, refused ones too, "
    "by design (rate limit)",
}


def test_survey_answers_bad_input_without_5xx_and_stores_nothing_it_refuses(
    amqp_url, mongodb_url, exchange_name, db_name, amqp_cleanup, sync_mongo, subtests
):
    settings = SurveySettings(
        amqp_url=amqp_url,
        mongodb_url=mongodb_url,
        exchange=exchange_name,
        db_name=db_name,
        suggestion_limit=10**9,
        units_url="",
    )  # let every suggestion reach the handler
    officer = bearer(mint_token(settings.jwt_secret, "fuzz-officer", UNIT, OFFICER_ROLES))
    now = utcnow()
    with served(create_app(settings)) as schema:
        events = [
            returned_event(f"{unit}-261125-000{n}", unit, now)
            for n, unit in enumerate((UNIT, UNIT, OTHER_UNIT))
        ]
        asyncio.run(
            publish(
                amqp_url,
                exchange_name,
                [(e.model_dump_json().encode(), e.routing_key) for e in events],
            )
        )
        wait_for(lambda: sync_mongo[db_name]["surveys"].count_documents({}) == len(events))
        steer(
            schema,
            path={"code": [e.aggregate_id for e in events], "unit": [UNIT, OTHER_UNIT]},
            query={"month": [f"{to_vn(now):%Y-%m}", "0001-01", "9999-12"]},
        )
        storage = Storage(sync_mongo, db_name, volatile=OUTBOX_RELAY_FIELDS, ignored=IGNORED)
        tally = fuzz_every_operation(schema, subtests, storage, headers=officer)
    print("\n" + tally.report("survey"))
