"""The survey service started through its own wiring (create_app + lifespan) on the real broker
and the Mongo-wire server, driven over HTTP (httpx.ASGITransport) and through the exchange."""

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import aio_pika
import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from pymongo.asynchronous.database import AsyncDatabase

from motcua_shared.contract.envelope import Envelope
from motcua_shared.contract.topology import declare_exchange
from motcua_shared.testing.plugin import eventually
from motcua_shared.web.auth import mint_token

from survey.main import create_app
from survey.settings import SurveySettings

EXCLUDED_PROCEDURE = "2.000748"
PUBLIC_URL = "https://dichvucong.example.vn/khao-sat"


@dataclass
class RunningSurvey:
    app: FastAPI
    http: httpx.AsyncClient
    settings: SurveySettings
    db: AsyncDatabase

    def token(self, sub: str, unit: str, *roles: str) -> dict[str, str]:
        token = mint_token(self.settings.jwt_secret, sub, unit, list(roles))
        return {"Authorization": f"Bearer {token}"}

    async def survey_of(self, dossier_code: str) -> dict[str, Any]:
        """Wait until the consumer has opened the dossier's survey."""
        return await eventually(lambda: self.db["surveys"].find_one({"dossier_code": dossier_code}))


@pytest_asyncio.fixture
async def survey(
    amqp_url, mongodb_url, exchange_name, db_name, amqp_cleanup, mongo, clock
) -> AsyncIterator[RunningSurvey]:
    settings = SurveySettings(
        amqp_url=amqp_url,
        mongodb_url=mongodb_url,
        exchange=exchange_name,
        db_name=db_name,
        excluded_procedures=f" {EXCLUDED_PROCEDURE}, 9.999999 ",
        public_url=PUBLIC_URL,
        units_url="",
    )  # units_url="": no intake here to learn units from (tests/security checks it live)
    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://survey.test") as http:
            yield RunningSurvey(app, http, settings, mongo)


@pytest_asyncio.fixture
async def publish(amqp_url, exchange_name) -> AsyncIterator[Callable[..., Any]]:
    """`await publish(envelope_or_bytes, routing_key=None)` onto the test's exchange, as
    intake's relay would."""
    connection = await aio_pika.connect(amqp_url)
    channel = await connection.channel(publisher_confirms=True)
    exchange = await declare_exchange(channel, exchange_name)

    async def send(message: Envelope[Any] | bytes, routing_key: str | None = None) -> None:
        body = message if isinstance(message, bytes) else message.model_dump_json().encode()
        key = routing_key or (message.routing_key if isinstance(message, Envelope) else "")
        await exchange.publish(
            aio_pika.Message(
                body,
                content_type="application/json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            ),
            routing_key=key,
        )

    try:
        yield send
    finally:
        await connection.close()


@pytest.fixture
def events_of() -> Callable[..., list[dict[str, Any]]]:
    """The probe's messages of one routing key, as parsed JSON bodies."""

    def select(probe: Any, routing_key: str) -> list[dict[str, Any]]:
        return [json.loads(m.body) for m in probe.messages if m.routing_key == routing_key]

    return select
