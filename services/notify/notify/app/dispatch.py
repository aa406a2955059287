"""The dispatcher: a loop that claims due messages in batches and sends each batch concurrently.

A claim is an atomic queued -> sending update with a token and a lease, so two dispatchers
(or two service instances) never call a provider for the same message. A batch is sent with one
task per dossier: a dossier's messages go in the order they were made, one after the other, and
if one goes back to the queue (a retry, the SMS fallback, quiet hours) the later ones of that
dossier are given back unsent, to follow it. How many calls each provider gets at once is
bounded in `SendMessage`. A claim whose lease
ran out means its dispatcher died between calling the provider and recording the answer: we
cannot know whether the provider accepted it. Such a message is not sent again on Zalo
(at most once): it is failed as "outcome unknown", and its delivery receipt, matched by
tracking_id, still turns it into delivered. On SMS, when the gateway ignores a repeated
request_id (`sms_gateway_dedupes`), it is safe to send again with the same request_id, so
it is requeued.
"""

import asyncio
import logging
import uuid
from datetime import datetime, timedelta

from motcua_shared.contract.event_base import MessageChannel
from motcua_shared.ops.logs import correlation
from motcua_shared.vietnam.timeutil import Clock

from notify.app.notification_events import status_event
from notify.app.ports import MessageStore, SendOutcome
from notify.app.send_message import SendChecks, SendMessage
from notify.domain.message import Message, Status

log = logging.getLogger(__name__)


class Dispatcher:
    def __init__(
        self,
        store: MessageStore,
        send: SendMessage,
        clock: Clock,
        *,
        lease: timedelta,
        interval: float,
        sms_gateway_dedupes: bool,
        batch_size: int = 100,
        lanes: int = 2,
    ) -> None:
        self.store, self.send, self.clock = store, send, clock
        self.lease, self.interval, self.sms_gateway_dedupes = lease, interval, sms_gateway_dedupes
        self.batch_size, self.lanes = batch_size, lanes
        self._wake = asyncio.Event()
        self._claiming = asyncio.Lock()
        # The lane whose claim of this pass came back short (nothing more was due then): it goes
        # on until a claim finds nothing (its sends may have made a retry due); the others stop.
        self._drained_by: int | None = None
        # Stale claims exist only once a lease (minutes) has run out: looked for every quarter
        # of it, not at every pass (a pass comes at every wake: each batch of events stored).
        self._next_recovery: datetime | None = None

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        while True:
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # database away or a bug: keep the loop alive, try again
                log.exception("dispatcher pass failed; retrying")
            self._wake.clear()
            try:
                # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancel().
                async with asyncio.timeout(self.interval):
                    await self._wake.wait()
            except TimeoutError:
                pass

    async def run_once(self) -> int:
        """Recover stale claims (every quarter lease), then send every message that is due;
        returns how many."""
        now = self.clock()
        if self._next_recovery is None or now >= self._next_recovery:
            await self.recover_stale_claims()
            self._next_recovery = now + self.lease / 4
        self._drained_by = None
        results = await asyncio.gather(
            *(self._lane(lane) for lane in range(self.lanes)), return_exceptions=True
        )
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return sum(r for r in results if isinstance(r, int))

    async def _lane(self, lane: int) -> int:
        """Claim a batch, send it, record it; again until nothing is due. While one lane sends and
        records (waiting on providers and the database), another claims the next batch: claims
        are one at a time, so lanes take consecutive windows; a dossier's later message claimed by
        one lane while its earlier one is in flight in another is held (the claim checks it).
        Once a claim comes back short, the queue is drained for this pass: that lane goes on
        alone, the other lanes stop without a claim of their own (round trips that would find
        nothing, as at every wake when events come a few at a time)."""
        handled = 0
        while True:
            async with self._claiming:
                if self._drained_by not in (None, lane):
                    return handled
                now = self.clock()
                batch = await self.store.claim_due(
                    now, now + self.lease, uuid.uuid4().hex, self.batch_size
                )
                if len(batch) < self.batch_size:
                    self._drained_by = lane
            if not batch:
                return handled
            await self.send_batch(batch)
            handled += len(batch)

    async def send_batch(self, batch: list[Message]) -> None:
        """One task per dossier (the store gives a dossier's messages in the order they were
        made); the checks are read once for the batch and the outcomes recorded once, together."""
        checks = await self.send.checks(batch)
        outcomes: list[SendOutcome] = []
        by_dossier: dict[str, list[Message]] = {}
        for message in batch:
            by_dossier.setdefault(message.dossier_code or message.id, []).append(message)
        results = await asyncio.gather(
            *(self._send_in_turn(group, checks, outcomes) for group in by_dossier.values()),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, Exception):  # its messages stay claimed; the lease recovers them
                log.error("sending a dossier's messages failed", exc_info=result)
        await self.send.record(outcomes)

    async def _send_in_turn(
        self, messages: list[Message], checks: SendChecks, outcomes: list[SendOutcome]
    ) -> None:
        for i, message in enumerate(messages):
            later = messages[i + 1 :]
            try:
                with correlation(
                    message.correlation_id
                ):  # log lines follow the dossier across services
                    outcome = await self.send(message, checks)
            except Exception:
                # This one stays claimed (its lease recovers it); the untried later ones go back
                # now.
                await self.store.release(later, not_before=self.clock(), at=self.clock())
                raise
            outcomes.append(outcome)
            if outcome.again_at is not None and later:
                await self.store.release(later, not_before=outcome.again_at, at=self.clock())
                return

    async def recover_stale_claims(self) -> None:
        now = self.clock()
        for message in await self.store.stale_claims(now):
            with correlation(message.correlation_id):
                await self._recover(message, now)

    async def _recover(self, message: Message, now: datetime) -> None:
        if message.channel == MessageChannel.SMS and self.sms_gateway_dedupes:
            await self.store.requeue(
                message,
                channel=MessageChannel.SMS,
                not_before=now,
                note={"at": now, "event": "claim expired; resent with the same request_id"},
            )
            log.warning(
                "message %s: claim expired during an SMS call; resending (gateway dedupes)",
                message.id,
            )
            return
        reason = (
            f"outcome_unknown: the service stopped while calling {message.channel}; "
            "not sent again so the citizen never gets it twice"
        )
        event = status_event(message, Status.FAILED, now, reason=reason)
        await self.store.finish(
            message,
            status=Status.FAILED,
            at=now,
            event=event,
            reason=reason,
            note={"at": now, "event": "claim expired"},
        )
        log.warning("message %s: %s", message.id, reason)
