"""A consumer's subscriptions to its queues: one channel per queue (the single queue, or the K
partitions of an ordered consumer), and the sharing of partitions between replicas.

Why (issue 15): each partition is single-active, so a dossier's events are handled by one process
at a time, in order; but RabbitMQ 3.10 makes the first consumer that registered the active one,
so a replica that started first would be active on every partition and the others would only
stand by. The replicas therefore share by handing back: every `rebalance_seconds` a process
counts the live replicas and, if it is active on more than its share (ceil(K / replicas)),
gives the surplus back between two batches by
closing that partition's channel. Closing returns its unacknowledged messages to the head of the
queue, in order, and the next consumer in line becomes the active one; this process subscribes
again at the end of the line, as a standby. No message of that partition is being handled when
its channel closes (the consumer hands back between batches), so nothing is handled by two
processes at once. A process knows it is active on a partition once it received a message from it
(single-active: only the active consumer receives); an idle partition needs no sharing.

Counting replicas: a single-active queue reports one consumer however many wait (RabbitMQ 3.10,
measured), so each replica also consumes a roll-call queue `<queue>.replicas` (classic,
auto-delete, never published to) whose consumer count is the number of live replicas.
"""

import asyncio
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass

from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractRobustConnection

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Incoming:
    """A message as the consumer's inbox holds it: from which partition, on which of its
    subscriptions (a handed-back subscription's messages are dropped: the broker has them back).
    `message` None: a wake-up for the worker (time to rebalance)."""

    partition: int
    generation: int
    message: AbstractIncomingMessage | None


class Subscriptions:
    def __init__(
        self,
        connection: AbstractRobustConnection,
        queues: tuple[str, ...],
        prefetch: int,
        deliver: Callable[[Incoming], None],
        roll_call: str,
    ) -> None:
        self.connection, self.queues, self.prefetch, self.deliver = (
            connection,
            queues,
            prefetch,
            deliver,
        )
        self.roll_call = roll_call
        self._channels: list[AbstractChannel | None] = [None] * len(queues)
        self._generations = [0] * len(queues)
        self.active: set[int] = set()  # partitions this process received from on its subscription
        self._surplus: set[int] = set()
        connection.reconnect_callbacks.add(self._on_reconnect)

    async def open(self) -> None:
        for index in range(len(self.queues)):
            await self._subscribe(index)
        if len(self.queues) > 1:
            # Counted by the others only once in line on every partition: a partition handed
            # back then always has this replica to go to.
            channel = await self.connection.channel()
            roll_call = await channel.declare_queue(self.roll_call, durable=False, auto_delete=True)
            await roll_call.consume(_ignore, no_ack=True)

    def current(self, item: Incoming) -> bool:
        return item.generation == self._generations[item.partition]

    async def _subscribe(self, index: int) -> None:
        channel = await self.connection.channel()
        await channel.set_qos(prefetch_count=self.prefetch)  # restored on reconnection
        # declare_queue, not get_queue: a robust channel re-declares and re-consumes only the
        # queues declared through it, after the broker comes back (found by the fault run).
        queue = await channel.declare_queue(self.queues[index], passive=True)
        generation = self._generations[index]

        async def on_message(message: AbstractIncomingMessage) -> None:
            if generation == self._generations[index]:
                self.active.add(index)
            self.deliver(Incoming(index, generation, message))

        await queue.consume(on_message, no_ack=False)
        self._channels[index] = channel

    def _on_reconnect(self, *_: object) -> None:
        self.active.clear()  # every subscription is back at the end of its queue's line

    async def plan_rebalance(self) -> bool:
        """Find the partitions to hand back (done by `hand_back`, between batches); True if any."""
        if len(self.queues) < 2 or len(self.active) < 2:
            return False
        replicas = await self._replicas()
        share = math.ceil(len(self.queues) / max(replicas, 1))
        surplus = len(self.active) - share
        if surplus <= 0:
            return False
        self._surplus = set(sorted(self.active, reverse=True)[:surplus])
        return True

    async def _replicas(self) -> int:
        channel = await self.connection.channel()
        try:
            declared = await channel.declare_queue(self.roll_call, passive=True)
            return max(declared.declaration_result.consumer_count or 1, 1)
        finally:
            if not channel.is_closed:
                await channel.close()

    async def hand_back(self) -> None:
        """Give the planned partitions to the next replica in line and queue up again behind it."""
        surplus, self._surplus = self._surplus, set()
        for index in sorted(surplus):
            channel = self._channels[index]
            self._generations[index] += (
                1  # what is still in the inbox from it is the broker's again
            )
            self.active.discard(index)
            if channel is not None and not channel.is_closed:
                await channel.close()  # its unacknowledged messages return to the queue, in order
            log.info(
                "handed partition %s back to the next replica; standing by on it",
                self.queues[index],
            )
            await self._subscribe(index)

    @property
    def hand_back_due(self) -> bool:
        return bool(self._surplus)


async def _ignore(message: AbstractIncomingMessage) -> None:
    """Nothing is published to the roll call."""


async def rebalance_every(
    subscriptions: Subscriptions, seconds: float, wake: Callable[[], None]
) -> None:
    """Plan a hand-back every `seconds`; the worker does it between batches (`wake` tells it)."""
    while True:
        await asyncio.sleep(seconds)
        try:
            if await subscriptions.plan_rebalance():
                wake()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the broker away: the robust connection comes back by itself
            log.info("could not count partition consumers (%s); next round", exc)
