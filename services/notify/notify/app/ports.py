"""What the use cases need from the outside, as small interfaces (adapters implement them;
unit tests use in-memory fakes of these, never of MongoDB or RabbitMQ)."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from motcua_shared.contract.envelope import Envelope
from motcua_shared.contract.event_base import MessageChannel

from notify.domain.delivery_policy import SendResult
from notify.domain.event_order import DossierOrder, Held
from notify.domain.message import Message, Status
from notify.domain.planning import DossierFacts


class ChannelClient(Protocol):
    """One provider (Zalo ZNS, the SMS gateway) behind one interface."""

    channel: MessageChannel

    async def send(self, message: Message) -> SendResult: ...


@dataclass(frozen=True)
class EventRecord:
    """One event's effect: its id, the dossier's new facts (None: unchanged), the message it
    calls for and the event to publish about it (both optional)."""

    event_id: str
    at: datetime
    dossier_code: str
    facts: DossierFacts | None
    message: Message | None
    event: Envelope[Any] | None


@dataclass(frozen=True)
class SendOutcome:
    """Where one send left its message, recorded with the rest of its batch: `status` sent or
    failed (with `event` to publish), or queued again (a retry, the SMS fallback, quiet hours)
    not before `not_before`. Applied only if the message is still exactly as it was claimed."""

    message: Message
    status: Status
    at: datetime
    note: dict[str, Any]
    event: Envelope[Any] | None = None
    channel: MessageChannel | None = None
    provider_id: str | None = None
    reason: str | None = None
    not_before: datetime | None = None

    @property
    def again_at(self) -> datetime | None:
        """When the message is to be tried again, if it went back to the queue."""
        return self.not_before if self.status == Status.QUEUED else None


@dataclass(frozen=True)
class Finish:
    """A message moved on to sent's successors (delivered, failed) with its event: one item of
    `MessageStore.finish_all`."""

    message: Message
    status: Status
    at: datetime
    event: Envelope[Any]
    channel: MessageChannel | None = None
    provider_id: str | None = None
    reason: str | None = None
    note: dict[str, Any] | None = None


@dataclass(frozen=True)
class RecordedOutcomes:
    """What recording a batch of outcomes found: the messages whose claim was lost meanwhile
    (nothing recorded for them), and the recorded ones that got a receipt while being sent."""

    lost: list[str]
    early_receipts: list[Message]


class MessageStore(Protocol):
    async def facts(self, dossier_code: str) -> DossierFacts: ...

    async def facts_of(self, dossier_codes: Collection[str]) -> dict[str, DossierFacts]:
        """The facts of several dossiers in one read (unknown ones are absent)."""

    async def processed_among(self, event_ids: Collection[str]) -> set[str]:
        """Which of these events were already recorded, in one read."""

    async def record_events(
        self, records: Sequence[EventRecord], orders: Sequence[DossierOrder] = ()
    ) -> bool:
        """Store the effects of a batch of events, in order, in one transaction, with the
        dossiers' new event order (`EventOrderStore.write`); False (and nothing stored) when one of
        them was already recorded. Raises OrderMoved when an order changed since it was read."""

    async def claim_due(
        self, now: datetime, lease_until: datetime, token: str, limit: int
    ) -> list[Message]:
        """Up to `limit` due messages claimed for `token` (queued -> sending, lease until
        `lease_until`), none while an earlier message of its dossier is still to go; a dossier's
        messages come in the order they were made."""

    async def release(self, messages: list[Message], *, not_before: datetime, at: datetime) -> None:
        """Give claimed, untried messages back to the queue, not to be sent before `not_before`."""

    async def stale_claims(self, now: datetime) -> list[Message]: ...

    async def record_outcomes(self, outcomes: Sequence[SendOutcome]) -> RecordedOutcomes:
        """Record a batch's send outcomes, with their events, in one transaction (one bulk
        write per collection); each only if its message is still as it was claimed."""

    async def requeue(
        self,
        message: Message,
        *,
        channel: MessageChannel,
        not_before: datetime,
        note: dict[str, Any],
    ) -> bool: ...

    async def finish(
        self,
        message: Message,
        *,
        status: Status,
        at: datetime,
        event: Envelope[Any],
        channel: MessageChannel | None = None,
        provider_id: str | None = None,
        reason: str | None = None,
        note: dict[str, Any] | None = None,
    ) -> Message | None:
        """Move a claimed message (or, for a receipt, a sent one) on, with its event, in one
        transaction; None when someone else moved it first."""

    async def finish_all(self, finishes: Sequence[Finish]) -> list[Message]:
        """`finish` for many messages in one transaction (a batch's early receipts); returns
        those moved, leaving out any someone else moved first."""

    async def find_all(self, refs: Sequence[tuple[str | None, str | None]]) -> list[Message | None]:
        """Each (our message id, the provider's id)'s message, None when unknown, in one read."""

    async def note_early_receipts(self, notes: dict[str, dict[str, Any]]) -> set[str]:
        """Note receipts on messages still being sent (message id -> note), in one write; the
        ids noted (the others were recorded meanwhile)."""


class OrderMoved(RuntimeError):
    """A dossier's event order changed between the batch's read and its write (another consumer
    handled it): the batch is retried from a fresh read (the consumer redelivers it)."""


class EventOrderStore(Protocol):
    async def orders_of(self, codes: Collection[str]) -> dict[str, DossierOrder]:
        """The records of these dossiers in one read (unknown ones are absent)."""

    async def expired(self, before: datetime, limit: int) -> list[DossierOrder]:
        """Dossiers whose oldest held event waits since before `before`."""

    async def give_up(self, order: DossierOrder, at: datetime, reason: str) -> bool:
        """Move what it holds aside for dead-lettering if it is still at `order.rev`; False if it
        moved meanwhile (the gap filled, or another sweeper gave it up)."""

    async def gave_up(self, code: str) -> None:
        """Its dead letters are published: forget them."""

    async def unfinished_give_ups(
        self, before: datetime, limit: int
    ) -> list[tuple[str, list[Held], str]]:
        """Gaps given up before `before` whose dead letters may not be out (a sweeper died)."""


class OptOutStore(Protocol):
    async def is_opted_out(self, phone_key: str) -> bool: ...

    async def opted_out_among(self, phone_keys: Collection[str]) -> set[str]:
        """Which of these phone keys opted out, in one read."""

    async def add(self, phone_key: str, *, source: str, at: datetime, by: str | None) -> bool: ...
