"""One outbox relay publishing at a time: a lease in MongoDB with a fencing token.

Why (issue 15; docs/scaling.md, "One relay at a time"): every replica of a service runs a relay
on the same outbox. Without a lease they all poll it and publish the same events, N copies after
every outage; with one, one relay publishes and the others stand by, and a standby takes over
within `lease + renew` seconds of the holder dying.

The lease is one document per outbox in `outbox_lease` (`_id` = the outbox collection's name):
`holder` (host:pid:nonce, null once released), `token` (+1 at every take-over: the fencing
token) and `beat` (+1 at every renewal). Conditional `update_one`s on that one document; no
findAndModify (SecantusDB scans for it) and no clock compared across processes:

- The holder renews every `renew` seconds: `update_one({_id, token}, $inc beat)`. It reads its
  monotonic clock (h) before sending; when the update matched, it holds until
  h + lease - margin, by its own monotonic clock, and publishes nothing after that.
- A standby reads the document every `renew` seconds. When (token, beat) has stayed the same for
  `lease` seconds since the read that first returned it (c, by the standby's monotonic clock), it
  takes over: `update_one({_id, token, beat}, $inc token)`, which fails if a renewal came in
  between. The read at c saw the renewal, so c is after the renewal's write, which is after h:
  the take-over comes at or after h + lease, `margin` after the old holder stopped by its clock.
  The assumption is only that two monotonic clocks run at the same rate within margin / lease
  (20 % by default), not that wall clocks agree. A lease released at a clean stop is taken at once.
- Fencing: a relay reads the lease document with its token just before it marks events sent;
  a holder that lost the lease (paused past it, partitioned) finds no match and marks nothing.
  The check is a read, not a write, on purpose: a write in a transaction with the mark, left
  open by a holder killed inside it until the server reaps it (60 s, mongod's
  transactionLifetimeLimitSeconds and SecantusDB's alike), would block every take-over until
  then (seen in the replicas fault run). What a read leaves open is a take-over committing
  between the check and the mark: the stale holder then marks events sent that it did publish,
  with their confirms, which is true; it cannot publish anything after its lease ran out by its
  own clock (above), which is what keeps order. A transaction around read and mark would close
  nothing more (MongoDB does not validate a transaction's reads at commit), so there is none
  (issue 9: a commit per batch saved).
"""

import asyncio
import logging
import math
import os
import secrets
import socket
import time
from collections.abc import Callable, Iterator

from prometheus_client import Gauge
from prometheus_client.metrics_core import Metric
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from motcua_shared.vietnam.timeutil import utcnow

log = logging.getLogger(__name__)

LEASE_COLLECTION = "outbox_lease"
DEFAULT_LEASE_SECONDS = 5.0
DEFAULT_RENEW_SECONDS = 1.5


class LeaseLost(Exception):
    """The fencing token is no longer the lease's: another relay has taken over."""


def process_holder_id() -> str:
    """host:pid:nonce — the pid lets a fault test find the process to kill."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class RelayLease:
    """The lease on one outbox, as seen by one relay. `step()` renews it or tries to take it;
    `held()` says, by this process's monotonic clock, whether it may still publish."""

    def __init__(
        self,
        collection: AsyncCollection,
        name: str,
        *,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        renew_seconds: float = DEFAULT_RENEW_SECONDS,
        margin_seconds: float | None = None,
        holder_id: str | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        margin = lease_seconds / 5 if margin_seconds is None else margin_seconds
        if not 0 < renew_seconds < (lease_seconds - margin) / 2:
            raise ValueError(
                f"renew every {renew_seconds} s must be under half of "
                f"lease {lease_seconds} s - margin {margin} s"
            )
        self.collection, self.name = collection, name
        self.lease_seconds, self.renew_seconds, self.margin_seconds = (
            lease_seconds,
            renew_seconds,
            margin,
        )
        self.holder_id = holder_id or process_holder_id()
        self.monotonic = monotonic
        self.token: int | None = None
        self._valid_until = -math.inf
        self._seen: tuple[int, int] | None = None
        self._seen_at = 0.0
        self._lock = asyncio.Lock()

    def held(self) -> bool:
        """Whether this relay may publish now: its lease has not run out by its own clock."""
        return self.token is not None and self.monotonic() < self._valid_until

    async def step(self) -> bool:
        """One round: renew the lease if this relay has it, else look and take it if it is free or
        has expired. Returns held()."""
        async with self._lock:
            if self.token is not None:
                await self._renew()
            else:
                await self._try_take()
            return self.held()

    async def fence(self) -> None:
        """Before marking events sent: check the token by reading the lease document. Raises
        LeaseLost."""
        if self.token is None:
            raise LeaseLost(self.name)
        if await self.collection.find_one({"_id": self.name, "token": self.token}):
            return
        raise LeaseLost(self.name)

    def extend(self, sent_at: float) -> None:
        """A write to the lease document sent at `sent_at` committed: the lease runs from there."""
        self._valid_until = max(
            self._valid_until, sent_at + self.lease_seconds - self.margin_seconds
        )

    def lost(self) -> None:
        if self.token is not None:
            log.warning(
                "outbox relay lease on %s lost (token %d): publishing stops", self.name, self.token
            )
        self.token, self._valid_until, self._seen = None, -math.inf, None

    async def release(self) -> None:
        """At a clean stop, after publishing has stopped: a standby may take over at once."""
        async with self._lock:
            token, self.token, self._valid_until = self.token, None, -math.inf
            if token is not None:
                await self.collection.update_one(
                    {"_id": self.name, "token": token}, {"$set": {"holder": None}}
                )

    async def current(self) -> dict[str, object] | None:
        """The lease document (who holds it), for operators and tests."""
        return await self.collection.find_one({"_id": self.name})

    async def _renew(self) -> None:
        assert self.token is not None
        sent_at = self.monotonic()
        result = await self.collection.update_one(
            {"_id": self.name, "token": self.token},
            {"$inc": {"beat": 1}, "$set": {"renewed_at": utcnow()}},
        )
        if result.matched_count:
            self.extend(sent_at)
        else:
            self.lost()

    async def _try_take(self) -> None:
        sent_at = self.monotonic()
        doc = await self.collection.find_one({"_id": self.name})
        if doc is None:
            await self._take_first(sent_at)
            return
        token, beat = int(doc["token"]), int(doc["beat"])
        if doc.get("holder") == self.holder_id:  # our own take-over whose answer was lost
            self.token = token
            await self._renew()
            if self.token is not None:
                self._announce()
            return
        seen_now = self.monotonic()
        if self._seen != (token, beat):
            self._seen, self._seen_at = (token, beat), seen_now
        if doc.get("holder") is not None and seen_now - self._seen_at < self.lease_seconds:
            return
        sent_at = self.monotonic()
        result = await self.collection.update_one(
            {"_id": self.name, "token": token, "beat": beat},
            {
                "$set": {"holder": self.holder_id, "since": utcnow(), "renewed_at": utcnow()},
                "$inc": {"token": 1, "beat": 1},
            },
        )
        if result.matched_count:
            self.token = token + 1
            self.extend(sent_at)
            self._announce()

    async def _take_first(self, sent_at: float) -> None:
        now = utcnow()
        try:
            await self.collection.insert_one(
                {
                    "_id": self.name,
                    "holder": self.holder_id,
                    "token": 1,
                    "beat": 0,
                    "since": now,
                    "renewed_at": now,
                }
            )
        except DuplicateKeyError:
            return
        self.token = 1
        self.extend(sent_at)
        self._announce()

    def _announce(self) -> None:
        self._seen = None
        log.info(
            "outbox relay lease on %s taken by %s (token %s)", self.name, self.holder_id, self.token
        )


class RelayLeaderGauge:
    """`motcua_outbox_relay_leader{outbox, holder}`: 1 on the process whose relay holds the lease,
    0 on the standbys. Read live at scrape time (no query), so a GaugeSource with nothing to
    refresh."""

    name = "relay_lease"

    def __init__(self, *leases: RelayLease) -> None:
        self.leases = leases
        self.gauge = Gauge(
            "motcua_outbox_relay_leader",
            "1 when this process's outbox relay holds the outbox's lease and publishes",
            ["outbox", "holder"],
            registry=None,
        )

    def collect(self) -> Iterator[Metric]:
        for lease in self.leases:
            self.gauge.labels(lease.name, lease.holder_id).set(1 if lease.held() else 0)
        yield from self.gauge.collect()

    async def refresh(self) -> None:
        return None
