"""notify's OpenAPI under generated input: never a 5xx, nothing stored by a refused request."""

import asyncio

from motcua_shared.testing.publish import publish_raw as publish
from motcua_shared.web.auth import mint_token

from notify.main import create_app
from notify.settings import NotifySettings

from .conftest import (
    EDGE_DATETIMES,
    OFFICER_ROLES,
    OUTBOX_RELAY_FIELDS,
    Storage,
    bearer,
    fuzz_every_operation,
    quiet_hours_clock,
    received_event,
    served,
    steer,
    wait_for,
)

UNIT = "26734"


def test_notify_answers_bad_input_without_5xx_and_stores_nothing_it_refuses(
    amqp_url, mongodb_url, exchange_name, db_name, amqp_cleanup, sync_mongo, subtests
):
    settings = NotifySettings(
        amqp_url=amqp_url,
        mongodb_url=mongodb_url,
        exchange=exchange_name,
        db_name=db_name,
        zalo_base_url="http://127.0.0.1:9",
        zalo_oauth_url="http://127.0.0.1:9",
        sms_url="http://127.0.0.1:9/sms/send",
        units_url="",
    )  # never reached: see quiet_hours_clock
    clock = quiet_hours_clock()
    officer = bearer(mint_token(settings.jwt_secret, "fuzz-officer", UNIT, OFFICER_ROLES))
    with served(create_app(settings, clock=clock)) as schema:
        event = received_event("26734-261125-0001", UNIT, clock.now)
        asyncio.run(
            publish(
                amqp_url, exchange_name, [(event.model_dump_json().encode(), event.routing_key)]
            )
        )
        message = wait_for(
            lambda: sync_mongo[db_name]["messages"].find_one({"event_id": str(event.event_id)})
        )
        steer(
            schema,
            path={"code": [event.aggregate_id]},
            query={"token": [settings.webhook_token]},
            body={
                "phone": ["0912345678", "+84987654321", "84912345678"],
                "request_id": [message["_id"]],
                "text": ["STOP", "tu choi"],
                "delivered_at": EDGE_DATETIMES,
            },
        )
        storage = Storage(sync_mongo, db_name, volatile=OUTBOX_RELAY_FIELDS)
        tally = fuzz_every_operation(schema, subtests, storage, headers=officer)
    print("\n" + tally.report("notify"))
