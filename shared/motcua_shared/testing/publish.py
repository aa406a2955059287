"""Publishing raw bodies onto the events exchange in tests, confirmed, as intake's relay would:
for feeding a consumer events (or malformed messages) without running intake."""

import aio_pika

from motcua_shared.contract.topology import declare_exchange


async def publish_raw(amqp_url: str, exchange: str, messages: list[tuple[bytes, str]]) -> None:
    """Publish each (body, routing key), persistent, with publisher confirms."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        events = await declare_exchange(channel, exchange)
        for body, routing_key in messages:
            await events.publish(aio_pika.Message(body, content_type="application/json",
                                                  delivery_mode=aio_pika.DeliveryMode.PERSISTENT), routing_key)
