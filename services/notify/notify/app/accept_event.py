"""Use case: events arrived; store the message each calls for (or why none), exactly once.

The event ids are stored with the messages, the dossier facts and any event we publish, in one
transaction per batch: a redelivered event, or two consumers racing on it, finds the id taken
and changes nothing (never twice, step 1). Within a batch, events are planned in arrival order,
each seeing the facts the ones before it recorded (a death is known before its survey).
Decree 118/2025/NĐ-CP and Circular 03/2025/TT-VPCP: the citizen is told of each step.

Before planning, a batch is put in each dossier's lifecycle order (domain/event_order.py): an
event ahead of its predecessor is held and planned when the gap fills, in the transaction of the
event that fills it; the dossiers' order records are read with one `$in` and written in the
same transaction as the messages (issue 15). A gap open too long is given up by HeldSweeper
(app/held_sweeper.py), which dead-letters what waited with the reason.
"""

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from motcua_shared.consumer import PermanentError
from motcua_shared.events import Envelope
from motcua_shared.phones import InvalidPhone, normalise_phone
from motcua_shared.privacy import mask_phone

from notify.app.notification_events import status_event
from notify.app.ports import Clock, EventOrderStore, EventRecord, MessageStore, OptOutStore
from notify.domain.delivery_policy import first_channel
from notify.domain.event_order import Sequenced, TooManyHeld, dossier_of, sequence
from notify.domain.message import Message, Status, message_id
from notify.domain.phone import phone_key
from notify.domain.planning import DossierFacts, Plan, plan_event
from notify.domain.quiet_hours import QuietHours
from notify.domain.rendering import MessageTooLong, render
from notify.domain.templates import TEMPLATES

log = logging.getLogger(__name__)


class AcceptEvent:
    def __init__(self, store: MessageStore, opt_outs: OptOutStore, clock: Clock, *, quiet: QuietHours,
                 lookup_url: str, phone_secret: str, zalo_enabled: bool,
                 template_ids: dict[str, str], wake: Callable[[], None],
                 order: EventOrderStore, max_held: int = 50) -> None:
        self.store, self.opt_outs, self.clock = store, opt_outs, clock
        self.order, self.max_held = order, max_held
        self.quiet, self.lookup_url, self.phone_secret = quiet, lookup_url, phone_secret
        self.zalo_enabled, self.template_ids, self.wake = zalo_enabled, template_ids, wake

    async def __call__(self, envelope: Envelope[Any]) -> None:
        await self.accept_batch([envelope])

    async def accept_batch(self, envelopes: Sequence[Envelope[Any]]) -> None:
        """A batch of events, in arrival order, with one read each of the dossiers' facts, the
        processed ids, the event order and the opt-outs, and one transaction for all their
        effects."""
        now = self.clock.now()
        in_order = await self._in_order(envelopes, now)
        ready = in_order.ready
        codes = [_dossier_code(envelope) for envelope in ready]
        facts = await self.store.facts_of(set(codes)) if ready else {}
        opted_out = await self.opt_outs.opted_out_among(self._phone_keys(ready)) if ready else set()
        records: list[EventRecord] = []
        for envelope, code in zip(ready, codes):
            event_id = str(envelope.event_id)
            known = facts.get(code, DossierFacts())
            plan = plan_event(envelope.payload, envelope.aggregate_id, known, self.lookup_url)
            if plan.facts not in (None, known):
                facts[plan.dossier_code] = plan.facts
            message = self._message(envelope, plan, now, opted_out) if plan.message else None
            event = None
            if message is not None and message.status == Status.FAILED:
                event = status_event(message, Status.FAILED, now, reason=message.reason)
                message.version = 1
            records.append(EventRecord(event_id, now, plan.dossier_code,
                                       plan.facts if plan.facts not in (None, known) else None, message, event))
            _log_outcome(envelope, plan, message)
        orders = list(in_order.changed.values())
        if not records and not orders:
            return
        if not await self.store.record_events(records, orders):
            if len(records) > 1:  # a racing consumer recorded one of them: split to find it
                raise RuntimeError("an event of this batch was recorded meanwhile")
            log.info("event %s already handled; nothing to do", records[0].event_id)
            return
        if any(r.message is not None and r.message.status == Status.QUEUED for r in records):
            self.wake()

    async def _in_order(self, envelopes: Sequence[Envelope[Any]], now: datetime) -> Sequenced:
        """The batch without what was handled, in each dossier's order, the rest held."""
        done = await self.store.processed_among({str(envelope.event_id) for envelope in envelopes})
        fresh = []
        for envelope in envelopes:
            event_id = str(envelope.event_id)
            if event_id in done:
                log.info("event %s already handled; nothing to do", envelope.event_id)
                continue
            done.add(event_id)
            fresh.append(envelope)
        orders = await self.order.orders_of({c for e in fresh if (c := dossier_of(e)) is not None})
        try:
            in_order = sequence(fresh, orders, now, self.max_held)
        except TooManyHeld as exc:
            raise PermanentError(str(exc)) from exc
        for envelope, why in in_order.dropped:
            log.info("event %s dropped: %s", envelope.event_id, why)
        for code, order in in_order.changed.items():
            for held in order.held:
                if held.held_at == now:
                    log.info("holding %s v%d of %s until v%d is handled", held.envelope.event_type,
                             held.envelope.aggregate_version, code, order.version + 1)
        return in_order

    def _phone_keys(self, envelopes: Sequence[Envelope[Any]]) -> set[str]:
        keys = set()
        for envelope in envelopes:
            contact = getattr(envelope.payload, "contact", None)
            try:
                keys.add(phone_key(normalise_phone(getattr(contact, "phone", None) or ""), self.phone_secret))
            except InvalidPhone:
                pass
        return keys

    def _message(self, envelope: Envelope[Any], plan: Plan, now: datetime, opted_out: set[str]) -> Message:
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
        if phone_key(message.phone, self.phone_secret) in opted_out:
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


def _dossier_code(envelope: Envelope[Any]) -> str:
    return getattr(envelope.payload, "dossier_code", None) or envelope.aggregate_id


def _log_outcome(envelope: Envelope[Any], plan: Plan, message: Message | None) -> None:
    if message is None:
        log.info("no message for %s %s: %s", envelope.event_type, plan.dossier_code, plan.skipped)
    else:
        log.info("message %s (%s) for %s to %s: %s%s", message.id, message.kind, plan.dossier_code,
                 mask_phone(message.phone), message.status, f" ({message.reason})" if message.reason else "")
