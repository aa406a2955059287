"""In-memory fakes of notify's own ports (not of MongoDB or RabbitMQ), and the use cases wired
around them, for unit tests of the app layer."""

import copy
from dataclasses import replace
from datetime import time, timedelta
from typing import Any

import pytest

from motcua_shared.contract.event_base import MessageChannel
from motcua_shared.vietnam.timeutil import VN_TZ

from notify.app.accept_event import AcceptEvent
from notify.app.dispatch import Dispatcher
from notify.app.ports import OrderMoved, RecordedOutcomes
from notify.app.receipts import ApplyReceipt
from notify.app.send_message import SendMessage
from notify.domain.delivery_policy import Outcome, RetryPolicy, SendResult
from notify.domain.event_order import DossierOrder
from notify.domain.message import Message, Status
from notify.domain.planning import DossierFacts
from notify.domain.quiet_hours import QuietHours

SECRET = "unit-test-key"


class InMemoryMessageStore:
    def __init__(self) -> None:
        self.messages: dict[str, Message] = {}
        self.leases: dict[str, Any] = {}
        self.processed: set[str] = set()
        self.dossiers: dict[str, DossierFacts] = {}
        self.events: list = []
        self.made: list[str] = []  # message ids in the order they were made
        self.outcome_writes = 0  # record_outcomes calls (one per batch)
        self.orders: dict[str, DossierOrder] = {}  # the event order (EventOrderStore) as well
        self.giving_up: dict[str, tuple] = {}

    async def facts(self, dossier_code):
        return self.dossiers.get(dossier_code, DossierFacts())

    async def facts_of(self, dossier_codes):
        return {code: self.dossiers[code] for code in dossier_codes if code in self.dossiers}

    async def processed_among(self, event_ids):
        return self.processed & set(event_ids)

    async def orders_of(self, codes):
        return {code: self.orders[code] for code in codes if code in self.orders}

    async def expired(self, before, limit):
        return [
            o
            for o in self.orders.values()
            if o.oldest_held_at is not None and o.oldest_held_at < before
        ][:limit]

    async def give_up(self, order, at, reason):
        if self.orders.get(order.code, DossierOrder(order.code)).rev != order.rev:
            return False
        self.orders[order.code] = replace(order, held=(), rev=order.rev + 1)
        self.giving_up[order.code] = (at, list(order.held), reason)
        return True

    async def gave_up(self, code):
        self.giving_up.pop(code, None)

    async def unfinished_give_ups(self, before, limit):
        return [
            (code, held, reason)
            for code, (at, held, reason) in self.giving_up.items()
            if at < before
        ][:limit]

    async def record_events(self, records, orders=()):
        if any(r.event_id in self.processed for r in records):
            return False  # the transaction stores nothing
        for order in orders:
            if self.orders.get(order.code, DossierOrder(order.code)).rev != order.rev:
                raise OrderMoved(order.code)
        for order in orders:
            self.orders[order.code] = replace(order, rev=order.rev + 1)
        for r in records:
            self.processed.add(r.event_id)
            if r.facts is not None:
                self.dossiers[r.dossier_code] = r.facts
            if r.message is not None:
                self.messages[r.message.id] = copy.deepcopy(r.message)
                self.made.append(r.message.id)
            if r.event is not None:
                self.events.append(r.event)
        return True

    async def claim_due(self, now, lease_until, token, limit):
        """Due messages in the order they were made; one whose dossier has an earlier message
        still to go only if that one is in the same batch."""
        chosen: list[Message] = []
        for message in (self.messages[i] for i in self.made):
            if len(chosen) == limit:
                break
            if (
                message.status == Status.QUEUED
                and message.not_before <= now
                and not self._earlier_still_to_go(message, besides=chosen)
            ):
                chosen.append(message)
        for message in chosen:
            message.status, message.claim_token = Status.SENDING, token
            self.leases[message.id] = lease_until
        return [copy.deepcopy(m) for m in chosen]

    async def release(self, messages, *, not_before, at):
        for message in messages:
            current = self._current(message)
            if current is not None:
                current.status, current.claim_token, current.not_before = (
                    Status.QUEUED,
                    None,
                    not_before,
                )

    def _earlier_still_to_go(self, message: Message, besides: list[Message]) -> bool:
        earlier = self.made[: self.made.index(message.id)]
        ours = {m.id for m in besides}
        return any(
            self.messages[m].dossier_code == message.dossier_code
            and m not in ours
            and self.messages[m].status in (Status.QUEUED, Status.SENDING)
            for m in earlier
        )

    async def stale_claims(self, now):
        return [
            copy.deepcopy(m)
            for m in self.messages.values()
            if m.status == Status.SENDING and self.leases[m.id] < now
        ]

    def _current(self, message: Message) -> Message | None:
        current = self.messages.get(message.id)
        same = current and (current.status, current.claim_token, current.version) == (
            message.status,
            message.claim_token,
            message.version,
        )
        return current if same else None

    async def requeue(self, message, *, channel, not_before, note):
        current = self._current(message)
        if current is None:
            return False
        current.status, current.channel, current.not_before, current.claim_token = (
            Status.QUEUED,
            channel,
            not_before,
            None,
        )
        current.zalo_attempts, current.sms_attempts = message.zalo_attempts, message.sms_attempts
        current.history.append(note)
        return True

    async def finish(
        self, message, *, status, at, event, channel=None, provider_id=None, reason=None, note=None
    ):
        current = self._current(message)
        if current is None:
            return None
        current.status, current.claim_token, current.version = status, None, current.version + 1
        current.channel = channel or current.channel
        current.provider_id = provider_id or current.provider_id
        current.reason = reason or current.reason
        current.zalo_attempts, current.sms_attempts = message.zalo_attempts, message.sms_attempts
        self.events.append(event)
        return copy.deepcopy(current)

    async def finish_all(self, finishes):
        moved = []
        for f in finishes:
            fields = {k: v for k, v in vars(f).items() if k != "message"}
            if done := await self.finish(f.message, **fields):
                moved.append(done)
        return moved

    async def record_outcomes(self, outcomes):
        self.outcome_writes += 1
        lost, early = [], []
        for o in outcomes:
            if o.status == Status.QUEUED:
                done = await self.requeue(
                    o.message, channel=o.channel, not_before=o.not_before, note=o.note
                )
            else:
                done = await self.finish(
                    o.message,
                    status=o.status,
                    at=o.at,
                    event=o.event,
                    channel=o.channel,
                    provider_id=o.provider_id,
                    reason=o.reason,
                    note=o.note,
                )
            if not done:
                lost.append(o.message.id)
            elif o.status != Status.QUEUED and done.early_receipt:
                early.append(done)
        return RecordedOutcomes(lost, early)

    async def find_all(self, refs):
        return [await self._find(message_id, provider_id) for message_id, provider_id in refs]

    async def _find(self, message_id, provider_id):
        found = self.messages.get(message_id) or next(
            (m for m in self.messages.values() if provider_id and m.provider_id == provider_id),
            None,
        )
        return copy.deepcopy(found) if found else None

    async def note_early_receipts(self, notes):
        noted = set()
        for message_id, note in notes.items():
            message = self.messages[message_id]
            if message.status == Status.SENDING:
                message.early_receipt_note = note
                noted.add(message_id)
        return noted


class InMemoryOptOuts:
    def __init__(self) -> None:
        self.keys: set[str] = set()

    async def is_opted_out(self, phone_key):
        return phone_key in self.keys

    async def opted_out_among(self, phone_keys):
        return self.keys & set(phone_keys)

    async def add(self, phone_key, *, source, at, by):
        new = phone_key not in self.keys
        self.keys.add(phone_key)
        return new


class ScriptedChannel:
    """A provider that answers from a script (the last answer repeats) and records every call."""

    def __init__(self, channel: MessageChannel, *outcomes: Outcome) -> None:
        self.channel, self.outcomes, self.calls = channel, list(outcomes) or [Outcome.ACCEPTED], []
        self.during_send = None  # a coroutine factory run while "the provider" holds the request

    async def send(self, message):
        self.calls.append(message.id)
        if self.during_send:
            await self.during_send(message)
        outcome = self.outcomes[min(len(self.calls), len(self.outcomes)) - 1]
        return SendResult(
            outcome,
            provider_id=f"p-{len(self.calls)}" if outcome == Outcome.ACCEPTED else None,
            detail=str(outcome),
        )


class World:
    def __init__(self, clock) -> None:
        self.clock, self.store, self.opt_outs = clock, InMemoryMessageStore(), InMemoryOptOuts()
        self.zalo = ScriptedChannel(MessageChannel.ZALO)
        self.sms = ScriptedChannel(MessageChannel.SMS)
        quiet = QuietHours(time(21), time(7), VN_TZ)
        self.receipts = ApplyReceipt(self.store, clock)
        send = SendMessage(
            self.store,
            self.opt_outs,
            {MessageChannel.ZALO: self.zalo, MessageChannel.SMS: self.sms},
            clock,
            policy=RetryPolicy(3, 2, 0, 0),
            quiet=quiet,
            phone_secret=SECRET,
            receipts=self.receipts,
        )
        self.dispatcher = Dispatcher(
            self.store,
            send,
            clock,
            lease=timedelta(seconds=120),
            interval=0.01,
            sms_gateway_dedupes=True,
        )
        self.accept = AcceptEvent(
            self.store,
            self.opt_outs,
            clock,
            quiet=quiet,
            lookup_url="http://x/tra-cuu",
            phone_secret=SECRET,
            zalo_enabled=True,
            template_ids={},
            wake=lambda: None,
            order=self.store,
            max_held=3,
        )

    def only_message(self) -> Message:
        [message] = self.messages()
        return message

    def messages(self) -> list[Message]:
        return list(self.store.messages.values())

    def event_types(self) -> list[str]:
        return [e.event_type for e in self.store.events]


@pytest.fixture
def world(clock) -> World:
    return World(clock)
