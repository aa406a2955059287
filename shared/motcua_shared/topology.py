"""The RabbitMQ topology: one topic exchange, one durable quorum queue per consumer with a
delivery limit, and a dead-letter queue beside it that keeps what could not be handled.

Names derive from the exchange so a test (or a second deployment) can run on the same broker
without touching production queues: exchange `motcua.events` → queue
`motcua.events.notify`, dead-letter exchange `motcua.events.dlx`, DLQ `motcua.events.notify.dlq`.
"""

from dataclasses import dataclass

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractQueue

DEFAULT_DELIVERY_LIMIT = 10  # redeliveries before RabbitMQ parks a message in the DLQ


@dataclass(frozen=True)
class ConsumerSpec:
    """A consumer's queue and the routing keys it is bound to (topic patterns allowed)."""

    exchange: str
    service: str
    routing_keys: tuple[str, ...]
    delivery_limit: int = DEFAULT_DELIVERY_LIMIT

    @property
    def queue(self) -> str:
        return f"{self.exchange}.{self.service}"

    @property
    def dead_letter_exchange(self) -> str:
        return dead_letter_exchange(self.exchange)

    @property
    def dead_letter_queue(self) -> str:
        return f"{self.queue}.dlq"

    def queue_arguments(self) -> dict[str, object]:
        return {
            "x-queue-type": "quorum",
            "x-delivery-limit": self.delivery_limit,
            "x-dead-letter-exchange": self.dead_letter_exchange,
            # Park by queue name, so each consumer's DLQ holds only its own failures.
            "x-dead-letter-routing-key": self.queue,
        }


# Which events each consumer needs: the one place bindings are written.
BINDINGS: dict[str, tuple[str, ...]] = {
    "notify": ("dossier.#", "survey.opened"),
    "survey": ("dossier.result_returned",),
    "reporting": ("dossier.#", "survey.answered"),
}


def consumer_spec(exchange: str, service: str, delivery_limit: int = DEFAULT_DELIVERY_LIMIT) -> ConsumerSpec:
    return ConsumerSpec(exchange, service, BINDINGS[service], delivery_limit)


def dead_letter_exchange(exchange: str) -> str:
    return f"{exchange}.dlx"


async def declare_exchange(channel: AbstractChannel, exchange: str) -> aio_pika.abc.AbstractExchange:
    return await channel.declare_exchange(exchange, aio_pika.ExchangeType.TOPIC, durable=True)


async def declare_consumer(channel: AbstractChannel, spec: ConsumerSpec) -> AbstractQueue:
    """Declare (idempotently) the exchange, the consumer's queue with its bindings, and its DLQ."""
    events = await declare_exchange(channel, spec.exchange)
    dlx = await channel.declare_exchange(
        spec.dead_letter_exchange, aio_pika.ExchangeType.DIRECT, durable=True
    )
    dlq = await channel.declare_queue(
        spec.dead_letter_queue, durable=True, arguments={"x-queue-type": "quorum"}
    )
    await dlq.bind(dlx, routing_key=spec.queue)
    queue = await channel.declare_queue(spec.queue, durable=True, arguments=spec.queue_arguments())
    for key in spec.routing_keys:
        await queue.bind(events, routing_key=key)
    return queue


async def declare_consumer_at(amqp_url: str, spec: ConsumerSpec) -> None:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        await declare_consumer(await connection.channel(), spec)
