"""Use case: a provider's delivery receipt moves a message to delivered (or failed).

Receipts are matched by our message id (Zalo's tracking_id, the SMS gateway's request_id) or
by the provider's id. A receipt can arrive before we finished recording "sent"; it is then
noted on the message and applied right after. A message failed as "outcome unknown" (see
`dispatch.py`) that turns out delivered becomes delivered: the receipt is the fact.
"""

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from motcua_shared.vietnam.timeutil import Clock

from notify.app.notification_events import status_event
from notify.app.ports import Finish, MessageStore
from notify.domain.message import Message, Status

log = logging.getLogger(__name__)


class ApplyReceipt:
    def __init__(self, store: MessageStore, clock: Clock) -> None:
        self.store, self.clock = store, clock

    async def __call__(
        self,
        *,
        message_id: str | None,
        provider_id: str | None,
        delivered: bool,
        detail: str = "",
        at: datetime | None = None,
    ) -> str:
        """Returns what happened: delivered, failed, noted, duplicate, ignored or unknown."""
        for _ in range(5):  # another change may slip in between read and write: read again
            message = await self.store.find(message_id, provider_id)
            if message is None:
                log.warning(
                    "receipt for an unknown message (id %s, provider id %s)",
                    message_id,
                    provider_id,
                )
                return "unknown"
            if message.status == Status.SENDING:
                note = {"delivered": delivered, "detail": detail, "at": at or self.clock()}
                if await self.store.note_early_receipt(message.id, note):
                    return "noted"
                continue
            outcome = await self._apply(message, delivered, detail, at or self.clock())
            if outcome is not None:
                return outcome
        return "ignored"

    async def apply_early(self, messages: Sequence[Message]) -> None:
        """The receipts noted while a batch was being sent, applied together in one transaction
        once its outcomes are recorded (one each cost the dispatcher a transaction per message:
        most receipts come before the batch is recorded)."""
        finishes = [
            finish
            for message in messages
            if isinstance(finish := self._finish(message, *_noted(message, self.clock())), Finish)
        ]
        await self.store.finish_all(finishes)

    async def _apply(
        self, message: Message, delivered: bool, detail: str, at: datetime
    ) -> str | None:
        finish = self._finish(message, delivered, detail, at)
        if not isinstance(finish, Finish):
            return finish
        if not await self.store.finish_all([finish]):
            return None
        return "delivered" if finish.status == Status.DELIVERED else "failed"

    @staticmethod
    def _finish(message: Message, delivered: bool, detail: str, at: datetime) -> Finish | str:
        """What a receipt does to the message, or why it does nothing (duplicate, ignored)."""
        if message.status == Status.DELIVERED:
            return "duplicate"
        if delivered and message.status in (Status.SENT, Status.FAILED):
            return Finish(
                message,
                Status.DELIVERED,
                at,
                status_event(message, Status.DELIVERED, at),
                note={"at": at, "event": "delivery receipt", "detail": detail},
            )
        if not delivered and message.status == Status.SENT:
            reason = f"{message.channel} receipt: not delivered ({detail or 'no detail'})"
            return Finish(
                message,
                Status.FAILED,
                at,
                status_event(message, Status.FAILED, at, reason=reason),
                reason=reason,
                note={"at": at, "event": "failure receipt", "detail": detail},
            )
        return "ignored"


def _noted(message: Message, now: datetime) -> tuple[bool, str, datetime]:
    note: dict[str, Any] = message.early_receipt_note or {}
    return bool(note.get("delivered")), str(note.get("detail", "")), note.get("at") or now
