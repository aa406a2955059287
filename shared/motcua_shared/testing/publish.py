"""Publishing raw bodies onto the events exchange in tests, confirmed, as intake's relay would:
for feeding a consumer events (or malformed messages) without running intake."""

import json
from typing import Any

import aio_pika

from motcua_shared.topology import PARTITION_HEADER, declare_exchange


async def publish_raw(amqp_url: str, exchange: str, messages: list[tuple[bytes, str]]) -> None:
    """Publish each (body, routing key), persistent, with publisher confirms."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        events = await declare_exchange(channel, exchange)
        for body, routing_key in messages:
            await events.publish(aio_pika.Message(body, content_type="application/json", headers=_headers(body),
                                                  delivery_mode=aio_pika.DeliveryMode.PERSISTENT), routing_key)


def _headers(body: bytes) -> dict[str, Any]:
    """The relay's headers (outbox.partition_headers) when the body is an envelope; none for a
    malformed one (a consistent-hash exchange then routes it by the empty key)."""
    try:
        envelope = json.loads(body)
        payload = envelope.get("payload") or {}
        return {"aggregate_id": envelope["aggregate_id"], "aggregate_version": envelope["aggregate_version"],
                PARTITION_HEADER: payload.get("dossier_code") or envelope["aggregate_id"]}
    except (ValueError, KeyError, TypeError, AttributeError):
        return {}
