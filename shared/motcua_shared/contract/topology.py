"""The RabbitMQ topology: one topic exchange, one durable quorum queue per consumer with a
delivery limit, and a dead-letter queue beside it that keeps what could not be handled.

A consumer that must see a dossier's events one at a time, in order (notify, reporting) has a
single-active-consumer queue: with several replicas only one receives, the others are hot
standbys that take over when it goes (docs/scaling.md). A queue's arguments cannot change once
it exists: declaring it with other ones fails with QueueArgumentsMismatch, which says what to do.

Names derive from the exchange so a test (or a second deployment) can run on the same broker
without touching production queues: exchange `motcua.events` → queue
`motcua.events.notify`, dead-letter exchange `motcua.events.dlx`, DLQ `motcua.events.notify.dlq`.

Partitions (`MOTCUA_PARTITIONS` = K, issue 15): with K > 1 an ordered consumer's one queue becomes K
single-active queues `motcua.events.notify.p0` … `.p<K-1>` behind a consistent-hash exchange
`motcua.events.notify.hash` (plugin rabbitmq_consistent_hash_exchange) that hashes the
`partition_key` header (the dossier code, set by outbox_relay.py) and is bound to the topic exchange
with the consumer's routing keys: a dossier's events always land on one partition, in publish order,
and K replicas share the partitions (one active consumer each). Every partition parks in the one DLQ
of the consumer. K = 1 is the single queue above, unchanged. Declaring a shape retires the other
one's bindings (the single queue's, partitions at or above K) so nothing keeps receiving copies
nobody consumes; their messages stay to be drained (README, "Changing MOTCUA_PARTITIONS").
"""

import asyncio
import contextlib
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractQueue
from aiormq.exceptions import AMQPError, ChannelPreconditionFailed

log = logging.getLogger(__name__)

DEFAULT_DELIVERY_LIMIT = 10  # redeliveries before RabbitMQ parks a message in the DLQ
PARTITIONS_ENV = "MOTCUA_PARTITIONS"
PARTITION_HEADER = "partition_key"  # what the consistent-hash exchanges hash (outbox_relay.py)
HASH_EXCHANGE_TYPE = "x-consistent-hash"


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
    partitions: int = 1  # K > 1: K single-active queues behind a consistent-hash exchange

    @property
    def queue(self) -> str:
        """The consumer's name: its queue when K = 1, the DLQ's routing key, the metrics' label."""
        return f"{self.exchange}.{self.service}"

    @property
    def queues(self) -> tuple[str, ...]:
        """The queues to consume: the one queue, or the K partitions."""
        if self.partitions == 1:
            return (self.queue,)
        return tuple(partition_queue(self.queue, i) for i in range(self.partitions))

    @property
    def hash_exchange(self) -> str:
        return f"{self.queue}.hash"

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


def consumer_spec(
    exchange: str,
    service: str,
    delivery_limit: int = DEFAULT_DELIVERY_LIMIT,
    partitions: int | None = None,
) -> ConsumerSpec:
    """The service's consumer. `partitions`: K for an ordered consumer (None: MOTCUA_PARTITIONS,
    which the outbox relays use when they declare every consumer); a competing one has one queue."""
    ordered = service in SINGLE_ACTIVE
    k = (configured_partitions() if partitions is None else partitions) if ordered else 1
    return ConsumerSpec(
        exchange, service, BINDINGS[service], delivery_limit, single_active=ordered, partitions=k
    )


def configured_partitions() -> int:
    """K from MOTCUA_PARTITIONS (default 1), the same in every process of the system."""
    raw = os.environ.get(PARTITIONS_ENV, "").strip() or "1"
    k = int(raw)
    if not 1 <= k <= 256:
        raise ValueError(f"{PARTITIONS_ENV}={raw}: between 1 and 256")
    return k


def partition_queue(queue: str, index: int) -> str:
    return f"{queue}.p{index}"


def dead_letter_exchange(exchange: str) -> str:
    return f"{exchange}.dlx"


async def declare_exchange(
    channel: AbstractChannel, exchange: str
) -> aio_pika.abc.AbstractExchange:
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
    if spec.partitions == 1:
        queue = await _declare_queue(channel, spec.queue, spec)
        for key in spec.routing_keys:
            await queue.bind(events, routing_key=key)
        return queue
    hashing = await channel.declare_exchange(
        spec.hash_exchange,
        HASH_EXCHANGE_TYPE,
        durable=True,
        arguments={"hash-header": PARTITION_HEADER},
    )
    for key in spec.routing_keys:
        await hashing.bind(events, routing_key=key)
    queues = [await _declare_queue(channel, name, spec) for name in spec.queues]
    for queue in queues:
        await queue.bind(hashing, routing_key="1")  # the weight: every partition the same share
    return queues[-1]


async def _declare_queue(channel: AbstractChannel, name: str, spec: ConsumerSpec) -> AbstractQueue:
    try:
        return await channel.declare_queue(name, durable=True, arguments=spec.queue_arguments())
    except ChannelPreconditionFailed as exc:
        raise QueueArgumentsMismatch(name, spec.queue_arguments(), _reply_text(exc)) from None


async def retire_other_shapes(connection: AbstractConnection, spec: ConsumerSpec) -> None:
    """Unbind what another K left behind, so no queue keeps receiving copies nobody consumes:
    with K > 1 the single queue's bindings and partitions K, K+1…; with K = 1 the hash exchange's
    bindings. Queues are not deleted: what they hold is drained by hand (README). Each attempt
    runs on a channel of its own (a missing queue or exchange closes it)."""
    if spec.partitions == 1:
        for key in spec.routing_keys:
            if not await _quietly(
                connection, _unbind_exchange, spec.hash_exchange, spec.exchange, key
            ):
                break
        return
    for key in spec.routing_keys:
        if not await _quietly(connection, _unbind_queue, spec.queue, spec.exchange, key):
            break
    index = spec.partitions
    while await _quietly(
        connection, _unbind_queue, partition_queue(spec.queue, index), spec.hash_exchange, "1"
    ):
        log.warning(
            "partition %s is beyond %s=%d: unbound; drain it, then delete it",
            partition_queue(spec.queue, index),
            PARTITIONS_ENV,
            spec.partitions,
        )
        index += 1


async def _unbind_queue(channel: AbstractChannel, queue: str, exchange: str, key: str) -> None:
    await (await channel.get_queue(queue, ensure=True)).unbind(exchange, routing_key=key)


async def _unbind_exchange(
    channel: AbstractChannel, destination: str, source: str, key: str
) -> None:
    hashing = await channel.get_exchange(destination, ensure=True)
    await hashing.unbind(source, routing_key=key)


async def _quietly(
    connection: AbstractConnection, action: Callable[..., Awaitable[None]], *args: str
) -> bool:
    """Run `action(channel, *args)` on a throwaway channel; False if the broker refused it."""
    channel = await connection.channel()
    try:
        await action(channel, *args)
        return True
    except AMQPError:
        return False
    finally:
        if not channel.is_closed:
            await channel.close()


DECLARE_SECONDS = 30.0  # a declaration answers in milliseconds; none in this long is lost
DECLARE_ATTEMPTS = 3


async def declare_consumer_at(amqp_url: str, spec: ConsumerSpec) -> None:
    """Declare a consumer's topology on a connection of its own. Declarations are idempotent, so
    one that gets no answer within DECLARE_SECONDS is tried again on a new connection: once, in a
    CI run, a start-up's declaration waited for good after its DLQ was declared (the broker's log
    showed no further command and no error), holding the service's start forever."""
    for attempt in range(1, DECLARE_ATTEMPTS + 1):
        connection = await aio_pika.connect(amqp_url, timeout=DECLARE_SECONDS)
        try:
            async with asyncio.timeout(DECLARE_SECONDS):
                await declare_consumer(await connection.channel(), spec)
                await retire_other_shapes(connection, spec)
            return
        except TimeoutError:
            if attempt == DECLARE_ATTEMPTS:
                raise
            log.warning(
                "declaring %s got no answer in %.0f s; trying again on a new connection",
                spec.queue,
                DECLARE_SECONDS,
            )
        finally:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(5):
                    await connection.close()


async def declare_consumers_leniently(
    connection: AbstractConnection, specs: list[ConsumerSpec]
) -> None:
    """Declare each consumer's queue so events published before it first starts wait for it.
    For a publisher, a queue that exists with other arguments still receives the events: say
    so once (its consumer refuses to start with the same message) and go on."""
    for spec in specs:
        channel = await connection.channel()  # a failed declare closes its channel
        try:
            await declare_consumer(channel, spec)
            await retire_other_shapes(connection, spec)
        except QueueArgumentsMismatch as exc:
            log.error("%s", exc)
        finally:
            if not channel.is_closed:
                await channel.close()


def _reply_text(exc: ChannelPreconditionFailed) -> str:
    return str(exc.args[0]) if exc.args else str(exc)
