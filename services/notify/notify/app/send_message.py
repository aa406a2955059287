"""Use case: send claimed messages on their current channel; record what happened, a batch at once.

Called only with messages this dispatcher has claimed (status `sending`, our claim token), so
no other process calls a provider for them at the same time. What a batch's checks need (the
opt-outs, the dossiers' facts) is read once for the batch; each send ends in a `SendOutcome`,
and the batch's outcomes are recorded together (`record`: one transaction, one bulk write per
collection), each conditional on its claim. Round trips are the cost: one per batch, not one
per message. Calls to each provider are bounded (`provider_limits`, per channel): a batch is
sent concurrently, a provider never gets more than its limit at once.

At most once still holds: a message stays `sending` under our claim until its outcome is
recorded; if the service dies after the provider answered and before the batch was recorded,
the lease runs out and the dispatcher recovers it without a second Zalo call (see
`dispatch.py`). A larger batch only widens how many messages one crash leaves "outcome
unknown", never makes one go twice.
"""

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from motcua_shared.contract.event_base import MessageChannel
from motcua_shared.vietnam.privacy import mask_phone
from motcua_shared.vietnam.timeutil import Clock

from notify.app.notification_events import status_event
from notify.app.ports import ChannelClient, MessageStore, OptOutStore, SendOutcome
from notify.app.receipts import ApplyReceipt
from notify.domain.delivery_policy import (
    MarkSent,
    Outcome,
    RetryLater,
    RetryPolicy,
    SendResult,
    decide,
)
from notify.domain.message import Message, Status
from notify.domain.phone import phone_key
from notify.domain.planning import DossierFacts, unwanted_now
from notify.domain.quiet_hours import QuietHours

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendChecks:
    """What the checks before a send need, read once for a batch."""

    opted_out: set[str]  # phone keys
    facts: dict[str, DossierFacts]


class SendMessage:
    def __init__(
        self,
        store: MessageStore,
        opt_outs: OptOutStore,
        channels: Mapping[MessageChannel, ChannelClient],
        clock: Clock,
        *,
        policy: RetryPolicy,
        quiet: QuietHours,
        phone_secret: str,
        receipts: ApplyReceipt,
        provider_limits: Mapping[MessageChannel, int] | None = None,
    ) -> None:
        self.store, self.opt_outs, self.channels, self.clock = store, opt_outs, channels, clock
        self.policy, self.quiet, self.phone_secret, self.receipts = (
            policy,
            quiet,
            phone_secret,
            receipts,
        )
        limits = provider_limits or {}
        self.slots = {channel: asyncio.Semaphore(limits.get(channel, 1)) for channel in channels}

    async def checks(self, batch: Sequence[Message]) -> SendChecks:
        """One read each of the batch's opt-outs and its dossiers' facts."""
        keys = {phone_key(m.phone, self.phone_secret) for m in batch if m.phone}
        codes = {m.dossier_code for m in batch if m.dossier_code}
        return SendChecks(
            await self.opt_outs.opted_out_among(keys) if keys else set(),
            await self.store.facts_of(codes) if codes else {},
        )

    async def __call__(self, message: Message, checks: SendChecks) -> SendOutcome:
        """Send one message (or decide not to); nothing is written here: the outcome is recorded
        with its batch's (`record`). `again_at` of the outcome is set when the message goes back
        to the queue (a retry, the SMS fallback, quiet hours)."""
        assert message.phone is not None and message.channel is not None
        stop = self._stop_before_sending(message, self.clock(), checks)
        if stop is not None:
            return stop
        channel = message.channel
        try:
            async with self.slots[channel]:
                result = await self.channels[channel].send(message)
        except Exception as exc:  # a bug or a surprise answer: retry later rather than stay claimed
            log.exception("%s client failed on message %s", channel, message.id)
            result = SendResult(
                Outcome.TRANSIENT, detail=f"{channel} client error: {type(exc).__name__}"
            )
        attempts = message.count_attempt(channel)
        at = self.clock()
        note = {
            "at": at,
            "channel": str(channel),
            "outcome": str(result.outcome),
            "detail": result.detail,
        }
        log.info(
            "%s %s via %s to %s: %s %s",
            message.kind,
            message.id,
            channel,
            mask_phone(message.phone),
            result.outcome,
            result.detail,
        )
        decision = decide(channel, attempts, result, self.policy, at)
        if isinstance(decision, MarkSent):
            return SendOutcome(
                message,
                Status.SENT,
                at,
                note,
                channel=channel,
                provider_id=result.provider_id,
                event=status_event(message, Status.SENT, at, channel=channel),
            )
        if isinstance(decision, RetryLater):
            return SendOutcome(
                message,
                Status.QUEUED,
                at,
                note,
                channel=decision.channel,
                not_before=self.quiet.release_at(decision.at),
            )
        return self._fail(message, at, decision.reason, note)

    async def record(self, outcomes: Sequence[SendOutcome]) -> None:
        """Record a batch's outcomes at once, then apply the receipts that came meanwhile."""
        if not outcomes:
            return
        recorded = await self.store.record_outcomes(outcomes)
        for message_id in recorded.lost:
            log.error(
                "message %s: its claim was lost before its outcome was recorded; a receipt still "
                "matches it",
                message_id,
            )
        await self.receipts.apply_early(recorded.early_receipts)  # none: no write

    def _stop_before_sending(
        self, message: Message, now: datetime, checks: SendChecks
    ) -> SendOutcome | None:
        """Checked before every call: the citizen may have opted out, facts may have changed, the
        night may have come since the message was made."""
        assert message.phone is not None and message.channel is not None
        if phone_key(message.phone, self.phone_secret) in checks.opted_out:
            return self._fail(message, now, "opted_out: the citizen opted out before it was sent")
        facts = checks.facts.get(message.dossier_code or "", DossierFacts())
        if message.dossier_code and (why := unwanted_now(message.kind, facts)):
            return self._fail(message, now, f"withdrawn: {why}")
        if self.quiet.is_quiet(now):
            return SendOutcome(
                message,
                Status.QUEUED,
                now,
                {"at": now, "event": "held for quiet hours"},
                channel=message.channel,
                not_before=self.quiet.release_at(now),
            )
        return None

    def _fail(
        self, message: Message, at: datetime, reason: str, note: dict | None = None
    ) -> SendOutcome:
        log.warning("message %s (%s) failed: %s", message.id, message.kind, reason)
        return SendOutcome(
            message,
            Status.FAILED,
            at,
            note or {"at": at, "event": reason},
            reason=reason,
            event=status_event(message, Status.FAILED, at, reason=reason),
        )
