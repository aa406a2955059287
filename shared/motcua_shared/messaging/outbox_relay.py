"""The outbox relay: publishes the outbox's pending events with publisher confirms, in order,
and marks them sent (`outbox.py`). Events written while RabbitMQ is down stay pending and go out
when it is back.

One relay publishes at a time, whatever the number of replicas: it holds the outbox's lease and
marks events sent under its fencing token (`relay_lease.py`). Order per aggregate: a batch never
leaves an aggregate's earlier event behind its later one (`next_batch`), holds them in version
order, on one channel, and an event is marked sent only after its confirm; so whichever relay's
copy of an event reaches a queue first, the aggregate's earlier events reached it before (the
argument is in docs/scaling.md, "One relay at a time"). A copy published twice (a holder paused
mid-batch, a lost confirm) is a duplicate that consumers drop by event id.
"""

import asyncio
import contextlib
import json
import logging
from datetime import datetime
from typing import Any

import aio_pika

from motcua_shared.contract.topology import (
    BINDINGS,
    PARTITION_HEADER,
    consumer_spec,
    declare_consumers_leniently,
    declare_exchange,
)
from motcua_shared.messaging.outbox import Outbox
from motcua_shared.messaging.relay_lease import (
    DEFAULT_LEASE_SECONDS,
    DEFAULT_RENEW_SECONDS,
    LeaseLost,
    RelayLease,
)
from motcua_shared.ops.background_tasks import stop_tasks
from motcua_shared.vietnam.timeutil import utcnow

log = logging.getLogger(__name__)

MARKS_IN_FLIGHT = 2  # a batch's mark queued behind the one committing


class OutboxRelay:
    """Publishes pending outbox events with publisher confirms while it holds the outbox's lease;
    stands by otherwise; survives broker and database outages."""

    def __init__(
        self,
        outbox: Outbox,
        amqp_url: str,
        exchange: str,
        *,
        batch_size: int = 200,
        poll_interval: float = 0.25,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        renew_seconds: float = DEFAULT_RENEW_SECONDS,
        lease: RelayLease | None = None,
    ) -> None:
        self.outbox = outbox
        self.amqp_url = amqp_url
        self.exchange_name = exchange
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.lease = lease or outbox.lease(lease_seconds=lease_seconds, renew_seconds=renew_seconds)
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        self._connection: aio_pika.abc.AbstractConnection | None = None
        self._exchange: aio_pika.abc.AbstractExchange | None = None
        # Marks committing, oldest first, each after the one before it: (task, its event ids).
        self._marks: list[tuple[asyncio.Task[None], list[str]]] = []
        self.published_total = 0  # events this relay published and saw confirmed
        self.batches_total = 0

    def start(self) -> None:
        """Keep the lease (or stand by for it) and publish while holding it, until stop()."""
        self._tasks = [
            asyncio.create_task(self.keep_lease(), name="outbox-relay-lease"),
            asyncio.create_task(self.run(), name="outbox-relay"),
        ]

    async def stop(self) -> None:
        """Stop publishing, then release the lease so a standby takes over at once."""
        # A flag as well as cancel(): aio-pika's connect() can swallow a cancellation that
        # lands while it connects, and the loop would then run on.
        self._stopping = True
        self._wake.set()
        await stop_tasks(*self._tasks)
        with contextlib.suppress(Exception):  # the batch in flight is marked, or stays pending
            async with asyncio.timeout(self.lease.lease_seconds):
                await self._settle()
        await self.close()

    def wake(self) -> None:
        """Call after a commit so the event goes out now rather than at the next poll."""
        self._wake.set()

    async def keep_lease(self) -> None:
        """Renew the lease every `renew_seconds`, or look whether it is free to take."""
        failing = False
        while not self._stopping:
            held_before = self.lease.held()
            try:
                held = await self.lease.step()
                if failing:
                    log.info("outbox relay reaches its lease again")
                failing = False
            except Exception as exc:  # database away: the lease runs out by our clock
                held = self.lease.held()
                if not failing:
                    log.warning("outbox relay cannot renew or read its lease (%s); retrying", exc)
                failing = True
            if held and not held_before:
                self._wake.set()
            await asyncio.sleep(self.lease.renew_seconds)

    async def run(self) -> None:
        backoff = self.poll_interval
        while not self._stopping:
            try:
                # Cleared before the read, not after it: a commit while a batch goes out wakes
                # the next round at once instead of waiting for the poll.
                self._wake.clear()
                published = 0
                if self.lease.held():
                    published = await self._round()
                else:
                    await self._settle()
                backoff = self.poll_interval
                if published >= self.batch_size:
                    continue  # a full batch: more may be waiting
                # A short batch was all there was at its read; a commit since has set the wake,
                # so the wait below returns at once (one read fewer a round: issue 9).
                try:
                    # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancel().
                    async with asyncio.timeout(self.poll_interval):
                        await self._wake.wait()
                except TimeoutError:
                    pass
            except Exception as exc:  # broker or database away: keep events pending, retry
                log.warning("outbox relay cannot publish yet (%s); retrying", exc)
                with contextlib.suppress(Exception):
                    await self._settle()
                await self._drop_connection()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)

    async def publish_pending(self) -> int:
        """Publish one batch if this relay holds the lease (taking it if it is free) and mark it
        sent; returns how many events went out and were marked."""
        if not self.lease.held() and not await self.lease.step():
            return 0
        published = await self._round()
        return published if await self._settle() else 0

    @property
    def _marking(self) -> asyncio.Task[None] | None:
        """The last mark in flight (it ends after every one before it)."""
        return self._marks[-1][0] if self._marks else None

    @property
    def _marking_ids(self) -> set[str]:
        """Events published and confirmed whose mark has not committed yet."""
        return {event_id for _, ids in self._marks for event_id in ids}

    async def _round(self) -> int:
        """Read the next batch and publish it while the previous batches' marks commit (the
        round trips overlap), then queue its own mark behind them. Returns how many went out.

        The publishing path never waits for a mark's round trips (its fencing read, its write,
        its commit; issue 9): with nothing new it returns at once, and a batch's mark is queued
        behind the one in flight (at most MARKS_IN_FLIGHT). Marks commit one at a time, in
        order; a refused one (the lease lost) refuses those after it."""
        await self._settle(keep=self._unfinished())  # no wait: those done, or a lost lease
        batch = await self.outbox.next_batch(self.batch_size, skip=self._marking_ids)
        if not batch:
            return 0
        exchange = await self._get_exchange()
        # The last moment to stop: publish only while the lease holds by this process's clock.
        if not self.lease.held() and not (
            await self._settle() and (self.lease.held() or await self.lease.step())
        ):
            return 0
        # One channel keeps order; confirms are awaited together, then marked in one write. An
        # event is marked only once confirmed, and the next batch goes out only after these
        # confirms: the order argument of docs/scaling.md.
        await asyncio.gather(
            *(exchange.publish(_message(doc), routing_key=doc["routing_key"]) for doc in batch)
        )
        confirmed_at = utcnow()  # the events' sent_at: out, whenever their mark commits
        self.published_total += len(batch)
        self.batches_total += 1
        await self._settle(keep=MARKS_IN_FLIGHT - 1)  # a bounded queue, and so a bounded `skip`
        ids = [doc["_id"] for doc in batch]
        mark = self._mark_after(self._marking, ids, batch, confirmed_at)
        self._marks.append((asyncio.create_task(mark, name="outbox-relay-mark"), ids))
        return len(batch)

    async def _mark_after(
        self,
        before: asyncio.Task[None] | None,
        ids: list[str],
        batch: list[dict[str, Any]],
        confirmed_at: datetime,
    ) -> None:
        if before is not None:
            await before  # raises what it raised (LeaseLost: this one is refused too)
        await self.outbox.mark_sent(
            ids, published=batch, lease=self.lease, confirmed_at=confirmed_at
        )

    def _unfinished(self) -> int:
        done = 0
        while done < len(self._marks) and self._marks[done][0].done():
            done += 1
        return len(self._marks) - done

    async def _settle(self, keep: int = 0) -> bool:
        """Wait until at most `keep` marks are in flight (all, by default), oldest first; False
        when one was refused (the lease was lost: the new holder publishes those events again,
        duplicates that consumers drop by id) or cancelled. Shielded: cancelling the loop does not
        cancel a mark; stop() waits for them."""
        settled, error = True, None
        while len(self._marks) > keep:
            marking = self._marks[0][0]
            try:
                await asyncio.shield(marking)
            except LeaseLost:
                self.lease.lost()
                settled = False
            except asyncio.CancelledError:
                if not marking.cancelled():
                    raise  # this task is being cancelled, not the mark
                settled = False  # its events stay pending for the next round
            except Exception as exc:  # database away: those after it failed with it
                settled, error = False, error or exc
            finally:
                if marking.done():
                    self._marks.pop(0)
        if error is not None:
            raise error
        return settled

    async def _get_exchange(self) -> aio_pika.abc.AbstractExchange:
        if self._exchange is None:
            self._connection = await aio_pika.connect(self.amqp_url, timeout=5)
            # The consumers' queues exist before the first event goes out, so an event published
            # while a consumer has never started yet waits in its queue instead of being dropped.
            await declare_consumers_leniently(
                self._connection,
                [consumer_spec(self.exchange_name, service) for service in BINDINGS],
            )
            channel = await self._connection.channel(publisher_confirms=True)
            self._exchange = await declare_exchange(channel, self.exchange_name)
        return self._exchange

    async def _drop_connection(self) -> None:
        connection, self._connection, self._exchange = self._connection, None, None
        if connection is not None:
            try:
                await connection.close()
            except Exception:  # already broken
                pass

    async def close(self) -> None:
        """Close the connection and release the lease (publishing has stopped)."""
        await self._drop_connection()
        try:
            await self.lease.release()
        except Exception as exc:  # database away: the lease runs out by itself
            log.warning("outbox relay could not release its lease (%s)", exc)


def _message(doc: dict[str, Any]) -> aio_pika.Message:
    return aio_pika.Message(
        doc["body"].encode(),
        content_type="application/json",
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        message_id=doc["_id"],
        correlation_id=doc.get("correlation_id"),
        type=doc["routing_key"],
        headers=partition_headers(doc),
    )


def partition_headers(doc: dict[str, Any]) -> dict[str, Any]:
    """`aggregate_id` and `aggregate_version` for any consumer to read without parsing, and
    `partition_key`, which the consumers' consistent-hash exchanges hash (topology.py): the
    dossier the event is about, so a survey's or a follow-up's events land on their dossier's
    partition, behind its result_returned (else notify could ask for a rating before saying the
    result is ready)."""
    payload = json.loads(doc["body"]).get("payload") or {}
    dossier = payload.get("dossier_code") if isinstance(payload, dict) else None
    return {
        "aggregate_id": doc["aggregate_id"],
        "aggregate_version": int(doc["aggregate_version"]),
        PARTITION_HEADER: dossier or doc["aggregate_id"],
    }
