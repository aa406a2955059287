"""Messages no consumer can handle, published on a routing key its queue is bound to: each lands
in that consumer's dead-letter queue with the reason in `x-motcua-reason`, nothing is stored for
it, and the valid event published after them is still handled (the consumer keeps going).

Each service is started through its own wiring (create_app + lifespan) on the real broker and
the Mongo-wire server, as in its integration tests."""

import json
import re
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aio_pika
import pytest
from fastapi import FastAPI

from motcua_shared.contract.envelope import Envelope
from motcua_shared.contract.topology import BINDINGS, consumer_spec
from motcua_shared.messaging.consumer import REASON_HEADER, ROUTING_KEY_HEADER
from motcua_shared.testing.plugin import eventually
from motcua_shared.testing.publish import publish_raw as publish

from notify.main import create_app as notify_app
from notify.settings import NotifySettings
from reporting.main import create_app as reporting_app
from reporting.settings import ReportingSettings
from survey.main import create_app as survey_app
from survey.settings import SurveySettings

from .conftest import quiet_hours_clock, received_event, returned_event

UNIT = "26734"


@dataclass(frozen=True)
class Consumer:
    """How to start one consuming service, the valid event it handles and where that shows."""

    app: Callable[[dict[str, str]], FastAPI]
    valid: Callable[[str, datetime], Envelope[Any]]
    handled: Callable[
        [Any, Envelope[Any]], Any
    ]  # (database, event) → awaitable of the stored effect


CONSUMERS = {
    "notify": Consumer(
        app=lambda s: notify_app(
            NotifySettings(
                **s, zalo_base_url="http://127.0.0.1:9", sms_url="http://127.0.0.1:9/sms/send"
            ),
            clock=quiet_hours_clock(),
        ),
        valid=lambda code, at: received_event(code, UNIT, at),
        handled=lambda db, e: db["messages"].find_one({"event_id": str(e.event_id)}),
    ),
    "survey": Consumer(
        app=lambda s: survey_app(SurveySettings(**s)),
        valid=lambda code, at: returned_event(code, UNIT, at),
        handled=lambda db, e: db["surveys"].find_one({"dossier_code": e.aggregate_id}),
    ),
    "reporting": Consumer(
        app=lambda s: reporting_app(ReportingSettings(**s)),
        valid=lambda code, at: received_event(code, UNIT, at),
        handled=lambda db, e: db["dossiers"].find_one({"_id": e.aggregate_id}),
    ),
}


def bad_messages(valid: Envelope[Any]) -> dict[str, tuple[bytes, str]]:
    """name → (body, what its reason must say), each unlike the valid event in one way."""

    def variant(**changes: Any) -> dict[str, Any]:
        return json.loads(valid.model_dump_json()) | {"event_id": str(uuid.uuid4())} | changes

    missing = {k: v for k, v in variant().items() if k not in ("occurred_at", "aggregate_version")}
    invalid_payload = variant()
    invalid_payload["payload"]["channel"] = "chim-bo-cau"  # not direct, online or postal
    return {
        "invalid JSON": (
            b'{"event_type": "' + valid.event_type.encode() + b'", "payload": ',
            "invalid envelope",
        ),
        "envelope missing fields": (_json(missing), "occurred_at"),
        "unknown schema_version": (
            _json(variant(schema_version=99)),
            f"unknown event {valid.event_type} v99",
        ),
        "unknown event type": (
            _json(variant(event_type="dossier.teleported")),
            "unknown event dossier.teleported",
        ),
        "payload failing validation": (_json(invalid_payload), "payload.channel"),
    }


@pytest.mark.parametrize("service", sorted(CONSUMERS))
async def test_what_cannot_be_handled_is_dead_lettered_with_its_reason_and_the_consumer_goes_on(
    service, amqp_url, mongodb_url, exchange_name, db_name, mongo, amqp_cleanup
):
    consumer = CONSUMERS[service]
    valid = consumer.valid(f"{UNIT}-261125-0042", datetime.now().astimezone())
    routing_key = valid.routing_key
    assert any(_bound(pattern, routing_key) for pattern in BINDINGS[service])
    bad = bad_messages(valid)

    async with _running(
        consumer.app(
            dict(
                amqp_url=amqp_url, mongodb_url=mongodb_url, exchange=exchange_name, db_name=db_name
            )
        )
    ):
        await publish(
            amqp_url,
            exchange_name,
            [(body, routing_key) for body, _ in bad.values()]
            + [(valid.model_dump_json().encode(), routing_key)],
        )
        await eventually(lambda: consumer.handled(mongo, valid), timeout=30)
        letters = await _dead_letters(
            amqp_url, consumer_spec(exchange_name, service).dead_letter_queue, len(bad)
        )

    by_body = {message.body: message.headers for message in letters}
    for name, (body, reason) in bad.items():
        assert body in by_body, f"{service}: {name} was not dead-lettered"
        headers = by_body[body]
        assert str(headers[REASON_HEADER]).startswith("invalid envelope"), (name, headers)
        assert reason in str(headers[REASON_HEADER]), (name, headers[REASON_HEADER])
        assert headers[ROUTING_KEY_HEADER] == routing_key
    processed = [doc["_id"] async for doc in mongo["processed_events"].find()]
    assert processed == [str(valid.event_id)]  # nothing kept for what was refused


@asynccontextmanager
async def _running(app: FastAPI) -> AsyncIterator[FastAPI]:
    async with app.router.lifespan_context(app):
        yield app


async def _dead_letters(
    amqp_url: str, queue_name: str, count: int
) -> list[aio_pika.abc.AbstractIncomingMessage]:
    """Take `count` messages off the dead-letter queue (they are published before the original
    is acked, so by the time the valid event is handled they are all there)."""
    found: list[aio_pika.abc.AbstractIncomingMessage] = []
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        queue = await (await connection.channel()).declare_queue(queue_name, passive=True)

        async def enough() -> bool:
            if (message := await queue.get(no_ack=True, fail=False)) is not None:
                found.append(message)
            return len(found) >= count

        try:
            await eventually(enough, timeout=30)
        except AssertionError:
            reasons = [message.headers.get(REASON_HEADER) for message in found]
            raise AssertionError(
                f"{len(found)} of {count} dead letters in {queue_name}: {reasons}"
            ) from None
        assert await queue.get(no_ack=True, fail=False) is None, (
            "more dead letters than bad messages"
        )
    return found


def _bound(pattern: str, routing_key: str) -> bool:
    """AMQP topic matching: `*` is one word, `#` zero or more."""
    regex = re.escape(pattern).replace(r"\*", r"[^.]+").replace(r"\#", r".*")
    return re.fullmatch(regex, routing_key) is not None


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data).encode()
