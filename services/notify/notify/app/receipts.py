"""Use case: a provider's delivery receipt moves a message to delivered (or failed).

Receipts are matched by our message id (Zalo's tracking_id, the SMS gateway's request_id) or
by the provider's id. A receipt can arrive before we finished recording "sent"; it is then
noted on the message and applied right after. A message failed as "outcome unknown" (see
`dispatch.py`) that turns out delivered becomes delivered: the receipt is the fact.
"""

import logging
from datetime import datetime
from typing import Any

from motcua_shared.vietnam.timeutil import Clock

from notify.app.notification_events import status_event
from notify.app.ports import MessageStore
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

    async def apply_early(self, message: Message) -> None:
        note: dict[str, Any] = message.early_receipt_note or {}
        await self._apply(
            message,
            bool(note.get("delivered")),
            str(note.get("detail", "")),
            note.get("at") or self.clock(),
        )

    async def _apply(
        self, message: Message, delivered: bool, detail: str, at: datetime
    ) -> str | None:
        if message.status == Status.DELIVERED:
            return "duplicate"
        if delivered and message.status in (Status.SENT, Status.FAILED):
            event = status_event(message, Status.DELIVERED, at)
            done = await self.store.finish(
                message,
                status=Status.DELIVERED,
                at=at,
                event=event,
                note={"at": at, "event": "delivery receipt", "detail": detail},
            )
            return "delivered" if done else None
        if not delivered and message.status == Status.SENT:
            reason = f"{message.channel} receipt: not delivered ({detail or 'no detail'})"
            event = status_event(message, Status.FAILED, at, reason=reason)
            done = await self.store.finish(
                message,
                status=Status.FAILED,
                at=at,
                event=event,
                reason=reason,
                note={"at": at, "event": "failure receipt", "detail": detail},
            )
            return "failed" if done else None
        return "ignored"
