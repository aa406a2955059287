"""The RabbitMQ topology: one topic exchange, one durable quorum queue per consumer with a
delivery limit, and a dead-letter queue beside it that keeps what could not be handled.

A consumer that must see a dossier's events one at a time, in order (notify, reporting) has a
single-active-consumer queue: with several replicas only one receives, the others are hot
standbys that take over when it goes (docs/scaling.md). A queue's arguments cannot change once
it exists: declaring it with other ones fails with QueueArgumentsMismatch, which says what to do.

Names derive from the exchange so a test (or a second deployment) can run on the same broker
without touching production queues: exchange `motcua.events` → queue
`motcua.events.notify`, dead-letter exchange `motcua.events.dlx`, DLQ `motcua.events.notify.dlq`.
"""

import logging
from dataclasses import dataclass
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractQueue
from aiormq.exceptions import ChannelPreconditionFailed

log = logging.getLogger(__name__)

DEFAULT_DELIVERY_LIMIT = 10  # redeliveries before RabbitMQ parks a message in the DLQ


class QueueArgumentsMismatch(RuntimeError):
    """The queue exists with other arguments than this version declares (RabbitMQ answered
    PRECONDITION_FAILED). Arguments never change in place: the queue must be replaced."""

    def __init__(self, queue: str, wanted: dict[str, object], broker_said: str) -> None:
        self.queue = queue
        super().__init__(
            f"queue {queue!r} exists with other arguments than this version declares {wanted} "
            f"(broker: {broker_said}). RabbitMQ cannot change a queue's arguments: stop its "
            f"consumers, delete it once drained (rabbitmqctl delete_queue {queue}) and start this "
            f"version, which declares it anew (docs/scaling.md, 'Changing a queue's arguments')."
        )


@dataclass(frozen=True)
class ConsumerSpec:
    """A consumer's queue and the routing keys it is bound to (topic patterns allowed)."""

    exchange: str
    service: str
    routing_keys: tuple[str, ...]
    delivery_limit: int = DEFAULT_DELIVERY_LIMIT
    single_active: bool = False  # one consumer at a time receives: per-dossier order with replicas

    @property
    def queue(self) -> str:
        return f"{self.exchange}.{self.service}"

    @property
    def dead_letter_exchange(self) -> str:
        return dead_letter_exchange(self.exchange)

    @property
    def dead_letter_queue(self) -> str:
        return f"{self.queue}.dlq"

    def queue_arguments(self) -> dict[str, Any]:
        return {
            "x-queue-type": "quorum",
            "x-delivery-limit": self.delivery_limit,
            "x-dead-letter-exchange": self.dead_letter_exchange,
            # Park by queue name, so each consumer's DLQ holds only its own failures.
            "x-dead-letter-routing-key": self.queue,
        } | ({"x-single-active-consumer": True} if self.single_active else {})


# Which events each consumer needs: the one place bindings are written.
BINDINGS: dict[str, tuple[str, ...]] = {
    "notify": ("dossier.#", "survey.opened", "feedback.answered"),
    "survey": ("dossier.result_returned",),
    "reporting": ("dossier.#", "survey.answered", "feedback.opened", "feedback.answered"),
}


# Consumers that must handle a dossier's events one at a time and in order, whatever the number
# of replicas: notify (messages and the facts later messages depend on), reporting (the projector
# serialises park/apply in-process only). Survey may compete: one survey per dossier is a unique
# key.
SINGLE_ACTIVE: frozenset[str] = frozenset({"notify", "reporting"})


def consumer_spec(exchange: str, service: str, delivery_limit: int = DEFAULT_DELIVERY_LIMIT) -> ConsumerSpec:
    return ConsumerSpec(exchange, service, BINDINGS[service], delivery_limit,
                        single_active=service in SINGLE_ACTIVE)


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
    try:
        queue = await channel.declare_queue(spec.queue, durable=True, arguments=spec.queue_arguments())
    except ChannelPreconditionFailed as exc:
        raise QueueArgumentsMismatch(spec.queue, spec.queue_arguments(), _reply_text(exc)) from None
    for key in spec.routing_keys:
        await queue.bind(events, routing_key=key)
    return queue


async def declare_consumer_at(amqp_url: str, spec: ConsumerSpec) -> None:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        await declare_consumer(await connection.channel(), spec)


async def declare_consumers_leniently(connection: AbstractConnection, specs: list[ConsumerSpec]) -> None:
    """Declare each consumer's queue so events published before it first starts wait for it.
    For a publisher, a queue that exists with other arguments still receives the events: say
    so once (its consumer refuses to start with the same message) and go on."""
    for spec in specs:
        channel = await connection.channel()  # a failed declare closes its channel
        try:
            await declare_consumer(channel, spec)
        except QueueArgumentsMismatch as exc:
            log.error("%s", exc)
        finally:
            if not channel.is_closed:
                await channel.close()


def _reply_text(exc: ChannelPreconditionFailed) -> str:
    return str(exc.args[0]) if exc.args else str(exc)
