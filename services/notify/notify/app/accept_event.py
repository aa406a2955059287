"""Use case: an event arrived; store the message it calls for (or why none), exactly once.

The event id is stored with the message, the dossier facts and any event we publish, in one
transaction: a redelivered event, or two consumers racing on it, finds the id taken and
changes nothing (never twice, step 1).
"""

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from motcua_shared.events import Envelope
from motcua_shared.phones import InvalidPhone, normalise_phone
from motcua_shared.privacy import mask_phone

from notify.app.notification_events import status_event
from notify.app.ports import Clock, MessageStore, OptOutStore
from notify.domain.delivery_policy import first_channel
from notify.domain.message import Message, Status, message_id
from notify.domain.phone import phone_key
from notify.domain.planning import Plan, plan_event
from notify.domain.quiet_hours import QuietHours
from notify.domain.rendering import MessageTooLong, render
from notify.domain.templates import TEMPLATES

log = logging.getLogger(__name__)


class AcceptEvent:
    def __init__(self, store: MessageStore, opt_outs: OptOutStore, clock: Clock, *, quiet: QuietHours,
                 lookup_url: str, phone_secret: str, zalo_enabled: bool,
                 template_ids: dict[str, str], wake: Callable[[], None]) -> None:
        self.store, self.opt_outs, self.clock = store, opt_outs, clock
        self.quiet, self.lookup_url, self.phone_secret = quiet, lookup_url, phone_secret
        self.zalo_enabled, self.template_ids, self.wake = zalo_enabled, template_ids, wake

    async def __call__(self, envelope: Envelope[Any]) -> None:
        code = getattr(envelope.payload, "dossier_code", None) or envelope.aggregate_id
        facts = await self.store.facts(code)
        plan = plan_event(envelope.payload, envelope.aggregate_id, facts, self.lookup_url)
        now = self.clock.now()
        message = await self._message(envelope, plan, now) if plan.message else None
        event = None
        if message is not None and message.status == Status.FAILED:
            event = status_event(message, Status.FAILED, now, reason=message.reason)
            message.version = 1
        stored = await self.store.record_event(
            str(envelope.event_id), now, dossier_code=plan.dossier_code,
            facts=plan.facts if plan.facts not in (None, facts) else None, message=message, event=event)
        if not stored:
            log.info("event %s already handled; nothing to do", envelope.event_id)
        elif message is None:
            log.info("no message for %s %s: %s", envelope.event_type, plan.dossier_code, plan.skipped)
        else:
            log.info("message %s (%s) for %s to %s: %s%s", message.id, message.kind, plan.dossier_code,
                     mask_phone(message.phone), message.status, f" ({message.reason})" if message.reason else "")
            if message.status == Status.QUEUED:
                self.wake()

    async def _message(self, envelope: Envelope[Any], plan: Plan, now: datetime) -> Message:
        assert plan.message is not None and plan.contact is not None
        kind = plan.message.kind
        message = Message(
            id=message_id(str(envelope.event_id), kind), event_id=str(envelope.event_id), kind=kind,
            dossier_code=plan.dossier_code, unit_code=envelope.unit_code,
            correlation_id=envelope.correlation_id, phone=None,
            preferred_channel=plan.contact.preferred_channel, rendered=None, status=Status.FAILED,
            not_before=now, created_at=now,
            channel=first_channel(plan.contact.preferred_channel, self.zalo_enabled),
        )
        try:
            message.phone = normalise_phone(plan.contact.phone or "")
        except InvalidPhone as exc:
            message.reason = f"invalid_phone: {exc}"
            return message
        if await self.opt_outs.is_opted_out(phone_key(message.phone, self.phone_secret)):
            message.reason = "opted_out: the citizen asked not to receive messages"
            return message
        try:
            message.rendered = render(TEMPLATES[kind], plan.message.fields, self.template_ids.get(kind))
        except MessageTooLong as exc:
            message.reason = f"too_long: {exc}"
            return message
        message.status = Status.QUEUED
        message.not_before = self.quiet.release_at(now)
        return message
