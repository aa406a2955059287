"""Use case: send one claimed message on its current channel and record what happened.

Called only with a message this dispatcher has claimed (status `sending`, our claim token), so
no other process calls a provider for it at the same time. The provider's answer is recorded
conditionally on that claim; its status change and event go in one transaction. Calls to each
provider are bounded (`provider_limits`, per channel): a batch is sent concurrently, a provider
never gets more than its limit at once.
"""

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from motcua_shared.contract.event_base import MessageChannel
from motcua_shared.vietnam.privacy import mask_phone

from notify.app.notification_events import status_event
from notify.app.ports import ChannelClient, Clock, MessageStore, OptOutStore
from notify.app.receipts import ApplyReceipt
from notify.domain.delivery_policy import (
    Fail, MarkSent, Outcome, RetryLater, RetryPolicy, SendResult, decide,
)
from notify.domain.message import Message, Status
from notify.domain.phone import phone_key
from notify.domain.planning import unwanted_now
from notify.domain.quiet_hours import QuietHours

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stopped:
    again_at: datetime | None = None  # set when the message went back to the queue


class SendMessage:
    def __init__(self, store: MessageStore, opt_outs: OptOutStore, channels: Mapping[MessageChannel, ChannelClient],
                 clock: Clock, *, policy: RetryPolicy, quiet: QuietHours, phone_secret: str,
                 receipts: ApplyReceipt, provider_limits: Mapping[MessageChannel, int] | None = None) -> None:
        self.store, self.opt_outs, self.channels, self.clock = store, opt_outs, channels, clock
        self.policy, self.quiet, self.phone_secret, self.receipts = policy, quiet, phone_secret, receipts
        limits = provider_limits or {}
        self.slots = {channel: asyncio.Semaphore(limits.get(channel, 1)) for channel in channels}

    async def __call__(self, message: Message) -> datetime | None:
        """Returns when the message is to be tried again if it went back to the queue (a retry,
        the SMS fallback, quiet hours), None when it is done (sent or failed) or no longer ours."""
        assert message.phone is not None and message.channel is not None
        stop = await self._stop_before_sending(message, self.clock.now())
        if stop is not None:
            return stop.again_at
        channel = message.channel
        try:
            async with self.slots[channel]:
                result = await self.channels[channel].send(message)
        except Exception as exc:  # a bug or a surprise answer: retry later rather than stay claimed
            log.exception("%s client failed on message %s", channel, message.id)
            result = SendResult(Outcome.TRANSIENT, detail=f"{channel} client error: {type(exc).__name__}")
        attempts = message.count_attempt(channel)
        at = self.clock.now()
        note = {"at": at, "channel": str(channel), "outcome": str(result.outcome), "detail": result.detail}
        log.info("%s %s via %s to %s: %s %s", message.kind, message.id, channel, mask_phone(message.phone),
                 result.outcome, result.detail)
        decision = decide(channel, attempts, result, self.policy, at)
        if isinstance(decision, MarkSent):
            await self._sent(message, at, channel, result, note)
        elif isinstance(decision, RetryLater):
            again_at = self.quiet.release_at(decision.at)
            if await self.store.requeue(message, channel=decision.channel, not_before=again_at, note=note):
                return again_at
        elif isinstance(decision, Fail):
            await self._fail(message, at, decision.reason, note)
        return None

    async def _stop_before_sending(self, message: Message, now: datetime) -> Stopped | None:
        """Checked before every call: the citizen may have opted out, facts may have changed, the
        night may have come since the message was made."""
        assert message.phone is not None and message.channel is not None
        if await self.opt_outs.is_opted_out(phone_key(message.phone, self.phone_secret)):
            await self._fail(message, now, "opted_out: the citizen opted out before it was sent")
            return Stopped()
        facts = await self.store.facts(message.dossier_code) if message.dossier_code else None
        if facts is not None and (why := unwanted_now(message.kind, facts)):
            await self._fail(message, now, f"withdrawn: {why}")
            return Stopped()
        if self.quiet.is_quiet(now):
            release = self.quiet.release_at(now)
            held = await self.store.requeue(message, channel=message.channel, not_before=release,
                                            note={"at": now, "event": "held for quiet hours"})
            return Stopped(release if held else None)
        return None

    async def _sent(self, message: Message, at: datetime, channel: MessageChannel, result: SendResult,
                    note: dict) -> None:
        event = status_event(message, Status.SENT, at, channel=channel)
        done = await self.store.finish(message, status=Status.SENT, at=at, event=event, channel=channel,
                                       provider_id=result.provider_id, note=note)
        if done is None:
            log.error("message %s was sent but its claim was lost; its receipt will still match it", message.id)
        elif done.early_receipt:
            await self.receipts.apply_early(done)

    async def _fail(self, message: Message, at: datetime, reason: str, note: dict | None = None) -> None:
        event = status_event(message, Status.FAILED, at, reason=reason)
        await self.store.finish(message, status=Status.FAILED, at=at, event=event, reason=reason,
                                note=note or {"at": at, "event": reason})
        log.warning("message %s (%s) failed: %s", message.id, message.kind, reason)
