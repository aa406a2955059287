"""The dispatcher: a loop that claims due messages one at a time and sends them.

A claim is an atomic queued -> sending update with a token and a lease, so two dispatchers
(or two service instances) never call a provider for the same message. A claim whose lease
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
from datetime import timedelta

from motcua_shared.events import MessageChannel
from motcua_shared.logs import correlation

from notify.app.notification_events import status_event
from notify.app.ports import Clock, MessageStore
from notify.app.send_message import SendMessage
from notify.domain.message import Message, Status

log = logging.getLogger(__name__)


class Dispatcher:
    def __init__(self, store: MessageStore, send: SendMessage, clock: Clock, *, lease: timedelta,
                 interval: float, sms_gateway_dedupes: bool) -> None:
        self.store, self.send, self.clock = store, send, clock
        self.lease, self.interval, self.sms_gateway_dedupes = lease, interval, sms_gateway_dedupes
        self._wake = asyncio.Event()

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
                await asyncio.wait_for(self._wake.wait(), self.interval)
            except TimeoutError:
                pass

    async def run_once(self) -> int:
        """Recover stale claims, then send every message that is due; returns how many."""
        await self.recover_stale_claims()
        handled = 0
        while True:
            now = self.clock.now()
            message = await self.store.claim_due(now, now + self.lease, uuid.uuid4().hex)
            if message is None:
                return handled
            with correlation(message.correlation_id):  # log lines follow the dossier across services
                await self.send(message)
            handled += 1

    async def recover_stale_claims(self) -> None:
        now = self.clock.now()
        for message in await self.store.stale_claims(now):
            with correlation(message.correlation_id):
                await self._recover(message, now)

    async def _recover(self, message: Message, now) -> None:
        if message.channel == MessageChannel.SMS and self.sms_gateway_dedupes:
            await self.store.requeue(message, channel=MessageChannel.SMS, not_before=now,
                                     note={"at": now, "event": "claim expired; resent with the same request_id"})
            log.warning("message %s: claim expired during an SMS call; resending (gateway dedupes)", message.id)
            return
        reason = (f"outcome_unknown: the service stopped while calling {message.channel}; "
                  "not sent again so the citizen never gets it twice")
        event = status_event(message, Status.FAILED, now, reason=reason)
        await self.store.finish(message, status=Status.FAILED, at=now, event=event, reason=reason,
                                note={"at": now, "event": "claim expired"})
        log.warning("message %s: %s", message.id, reason)
