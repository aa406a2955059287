"""Use case: a provider's delivery receipt moves a message to delivered (or failed).

Receipts are matched by our message id (Zalo's tracking_id, the SMS gateway's request_id) or
by the provider's id. A receipt can arrive before we finished recording "sent"; it is then
noted on the message and applied right after. A message failed as "outcome unknown" (see
`dispatch.py`) that turns out delivered becomes delivered: the receipt is the fact.

Receipts that arrive together are applied together (issue 9: round trips are the cost; the group
commit of `motcua_shared.storage.group_commit`): one read of their messages, one transaction for
those that move and one write for the notes. A lone receipt goes at once. Every webhook call still
answers only once its receipt is stored.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from motcua_shared.storage.group_commit import GroupCommit
from motcua_shared.vietnam.timeutil import Clock

from notify.app.notification_events import status_event
from notify.app.ports import Finish, MessageStore
from notify.domain.message import Message, Status

log = logging.getLogger(__name__)

# A receipt that lost a race to another change of its message is read again, this many times.
ATTEMPTS = 5


@dataclass(frozen=True)
class Receipt:
    message_id: str | None
    provider_id: str | None
    delivered: bool
    detail: str
    at: datetime


class ApplyReceipt:
    def __init__(self, store: MessageStore, clock: Clock, *, max_batch: int = 200) -> None:
        self.store, self.clock = store, clock
        self._groups: GroupCommit[None, Receipt, str] = GroupCommit(max_batch)

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
        receipt = Receipt(message_id, provider_id, delivered, detail, at or self.clock())
        return await self._groups.submit(None, receipt, lambda _, group: self.apply(group))

    async def apply(self, receipts: Sequence[Receipt]) -> list[str]:
        """Apply receipts together; each one's outcome, in order. A message's second receipt in
        the same group is applied after its first, in the next round."""
        results: dict[int, str] = {}
        attempts = dict.fromkeys(range(len(receipts)), 0)
        pending = list(range(len(receipts)))
        while pending:
            found = await self.store.find_all(
                [(receipts[i].message_id, receipts[i].provider_id) for i in pending]
            )
            finishes: dict[int, Finish] = {}
            notes: dict[int, Message] = {}
            later: list[int] = []
            taken: set[str] = set()
            for i, message in zip(pending, found, strict=True):
                receipt = receipts[i]
                if message is None:
                    log.warning(
                        "receipt for an unknown message (id %s, provider id %s)",
                        receipt.message_id,
                        receipt.provider_id,
                    )
                    results[i] = "unknown"
                elif message.id in taken:
                    later.append(i)
                elif message.status == Status.SENDING:
                    taken.add(message.id)
                    notes[i] = message
                else:
                    taken.add(message.id)
                    finish = self._finish(message, receipt.delivered, receipt.detail, receipt.at)
                    if isinstance(finish, Finish):
                        finishes[i] = finish
                    else:
                        results[i] = finish
            moved = {m.id for m in await self.store.finish_all(list(finishes.values()))}
            noted = await self.store.note_early_receipts(
                {
                    message.id: {
                        "delivered": receipts[i].delivered,
                        "detail": receipts[i].detail,
                        "at": receipts[i].at,
                    }
                    for i, message in notes.items()
                }
            )
            lost = [i for i, f in finishes.items() if f.message.id not in moved]
            lost += [i for i, message in notes.items() if message.id not in noted]
            for i, finish in finishes.items():
                if finish.message.id in moved:
                    results[i] = "delivered" if finish.status == Status.DELIVERED else "failed"
            results |= {i: "noted" for i, message in notes.items() if message.id in noted}
            for i in lost:  # another change slipped in between the read and the write
                attempts[i] += 1
                if attempts[i] < ATTEMPTS:
                    later.append(i)
                else:
                    results[i] = "ignored"
            pending = sorted(later)
        return [results[i] for i in range(len(receipts))]

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
