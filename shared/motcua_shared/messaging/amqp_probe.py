"""A small AMQP connection of the service's own for operations, apart from its consumer and
relay: readiness asks it whether RabbitMQ answers, the queue gauges passively declare queues on
it. It connects on first use and again after any failure, so a broker outage costs one failed
attempt per use and recovers by itself."""

import asyncio

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractConnection


class AmqpProbe:
    def __init__(self, amqp_url: str, timeout: float = 5.0) -> None:
        self.amqp_url, self.timeout = amqp_url, timeout
        self._connection: AbstractConnection | None = None
        self._channel: AbstractChannel | None = None
        self._opening = (
            asyncio.Lock()
        )  # readiness and the gauges may both ask at once: one connection

    async def ping(self) -> bool:
        """RabbitMQ answers: the connection is open (opened now if it was not)."""
        await self._open_channel()
        return True

    async def queue_depth(self, queue: str) -> tuple[int, int]:
        """(messages ready, consumers) of `queue`, by passive declare: it changes nothing and
        fails if the queue does not exist. Unacknowledged messages are not in the count."""
        channel = await self._open_channel()
        try:
            declared = await channel.declare_queue(queue, passive=True, timeout=self.timeout)
        except Exception:
            # A missing queue closes the channel; any other failure may have broken it.
            await self.close()
            raise
        result = declared.declaration_result
        return result.message_count or 0, result.consumer_count or 0

    async def _open_channel(self) -> AbstractChannel:
        async with self._opening:
            try:
                # A connection the broker closed (or a cut socket) is not `is_closed`: aio-pika
                # sets that only on our own close(). It clears `connected` on any close.
                if (
                    self._connection is None
                    or self._connection.is_closed
                    or not self._connection.connected.is_set()
                ):
                    await self.close()
                    self._connection = await aio_pika.connect(self.amqp_url, timeout=self.timeout)
                if self._channel is None or self._channel.is_closed:
                    self._channel = await self._connection.channel(publisher_confirms=False)
                return self._channel
            except Exception:
                await self.close()  # never reuse a connection that failed: the next use reconnects
                raise

    async def close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None:
            try:
                await connection.close()
            except Exception:  # already broken
                pass
