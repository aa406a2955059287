"""Consuming events: one durable quorum queue per service, handlers by event type.

The rules every consumer follows:
- a handler stores its effect (and the event id, for idempotency) before the message is acked;
- a handler that raises PermanentError, and a message that is not a valid envelope of a known
  event, go to the consumer's dead-letter queue at once, with the reason in a header;
- any other exception nacks the message; RabbitMQ redelivers it until the queue's delivery
  limit and then parks it in the same dead-letter queue (its x-death header says why).
"""

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from faststream import AckPolicy
from faststream.rabbit import (
    Channel,
    ExchangeType,
    QueueType,
    RabbitBroker,
    RabbitExchange,
    RabbitMessage,
    RabbitQueue,
)
from pydantic import ValidationError

from motcua_shared.events import Envelope, EventPayload, UnknownEventType, parse_envelope
from motcua_shared.logs import correlation
from motcua_shared.topology import ConsumerSpec, QueueArgumentsMismatch, declare_consumer_at

log = logging.getLogger(__name__)

REASON_HEADER = "x-motcua-reason"
ROUTING_KEY_HEADER = "x-motcua-routing-key"

Handler = Callable[[Envelope[Any]], Awaitable[None]]


class PermanentError(Exception):
    """This message can never be handled; retrying will not help. Dead-letter it."""


class EventConsumer:
    """Attaches one FastStream subscriber for `spec` and dispatches by event type."""

    def __init__(self, spec: ConsumerSpec, handlers: Mapping[type[EventPayload], Handler]) -> None:
        self.spec = spec
        self.handlers = {model.event_type: handler for model, handler in handlers.items()}
        self.broker: RabbitBroker | None = None

    def attach(self, broker: RabbitBroker, *, description: str | None = None) -> None:
        self.broker = broker
        queue = RabbitQueue(
            self.spec.queue,
            queue_type=QueueType.QUORUM,
            arguments=self.spec.queue_arguments(),  # type: ignore[arg-type]
            routing_key=self.spec.routing_keys[0],
        )
        exchange = RabbitExchange(self.spec.exchange, type=ExchangeType.TOPIC, durable=True)
        broker.subscriber(
            queue,
            exchange,
            ack_policy=AckPolicy.NACK_ON_ERROR,
            decoder=_raw_body,  # we parse ourselves, so bad JSON is dead-lettered with a reason
            title=f"{self.spec.service}:events",
            description=description or f"Bound to {', '.join(self.spec.routing_keys)}",
        )(self._on_message)

    async def start(self, amqp_url: str, *, description: str | None = None,
                    middlewares: Sequence[Any] = ()) -> RabbitBroker:
        """Declare the topology and consume, one message at a time: a dossier's events are then
        handled in the order they were published (consumers still check versions).
        `middlewares`: FastStream broker middlewares, e.g. metrics.broker_metrics(...)."""
        broker = RabbitBroker(amqp_url, default_channel=Channel(prefetch_count=1),
                              logger=logging.getLogger("motcua.broker"), middlewares=middlewares)
        self.attach(broker, description=description)
        try:
            await self.declare(amqp_url)
        except QueueArgumentsMismatch as exc:
            # One line that says which queue and what to do; the service then fails to start
            # (an orchestrator restarts it, saying the same) instead of consuming the wrong way.
            log.critical("cannot consume: %s", exc)
            raise
        await broker.start()
        return broker

    async def stop(self) -> None:
        if self.broker is not None:
            await self.broker.stop()

    async def declare(self, amqp_url: str) -> None:
        """Declare the queue's other bindings and its DLQ; call before broker.start()."""
        await declare_consumer_at(amqp_url, self.spec)

    async def _on_message(self, raw: bytes, message: RabbitMessage) -> None:
        routing_key = message.raw_message.routing_key or ""
        try:
            envelope = parse_envelope(raw)
        except (ValidationError, UnknownEventType, ValueError) as exc:
            await self.dead_letter(raw, routing_key, f"invalid envelope: {_short(exc)}")
            return
        handler = self.handlers.get(envelope.event_type)
        if handler is None:
            return  # a known event this consumer does not need: ack and move on
        with correlation(envelope.correlation_id):
            try:
                await handler(envelope)
            except PermanentError as exc:
                log.warning("dead-lettering %s %s: %s", envelope.event_type, envelope.aggregate_id, exc)
                await self.dead_letter(raw, routing_key, str(exc))

    async def dead_letter(self, raw: bytes, routing_key: str, reason: str) -> None:
        """Publish (with a confirm) to this consumer's DLQ before the original is acked."""
        assert self.broker is not None
        await self.broker.publish(
            raw,
            exchange=RabbitExchange(self.spec.dead_letter_exchange, type=ExchangeType.DIRECT, durable=True),
            routing_key=self.spec.queue,
            headers={REASON_HEADER: reason[:1000], ROUTING_KEY_HEADER: routing_key},
            content_type="application/json",
            persist=True,
        )


async def _raw_body(message: Any) -> bytes:
    return message.body


def _short(exc: Exception) -> str:
    return str(exc).replace("\n", " ")[:500]
