"""A message to one citizen about one event, and the states it goes through.

queued -> sending (claimed by one dispatcher, the provider is being called) -> sent (a provider
accepted it) -> delivered (its receipt came) | failed (no channel could take it; `reason`).
`sending` is internal: it is what makes "never twice" hold (see the README).
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from motcua_shared.contract.event_base import MessageChannel

from notify.domain.message_kinds import MessageKind
from notify.domain.rendering import RenderedMessage

_MESSAGE_IDS = uuid.UUID("6f1c3a52-6a0e-4d55-9a55-0d8c1b8e2f10")


class Status(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"


def message_id(event_id: str, kind: MessageKind) -> str:
    """The same event and kind always give the same id: a redelivered event cannot make a second."""
    return str(uuid.uuid5(_MESSAGE_IDS, f"{event_id}:{kind}"))


@dataclass
class Message:
    id: str
    event_id: str
    kind: MessageKind
    dossier_code: str | None
    unit_code: str
    correlation_id: str
    phone: str | None  # E.164; None when the number given was invalid
    preferred_channel: MessageChannel
    rendered: RenderedMessage | None
    status: Status
    not_before: datetime
    created_at: datetime
    channel: MessageChannel | None = None  # the channel being tried
    zalo_attempts: int = 0
    sms_attempts: int = 0
    version: int = 0  # how many events this message has published
    claim_token: str | None = None
    provider_id: str | None = None  # Zalo msg_id or the gateway's SMS id
    reason: str | None = None
    # A delivery receipt that came while we were still recording "sent": applied right after.
    early_receipt_note: dict | None = None
    history: list[dict] = field(default_factory=list)

    @property
    def early_receipt(self) -> bool:
        return self.early_receipt_note is not None

    def count_attempt(self, channel: MessageChannel) -> int:
        """One more call made on `channel`; returns the calls made on it so far."""
        if channel == MessageChannel.ZALO:
            self.zalo_attempts += 1
            return self.zalo_attempts
        self.sms_attempts += 1
        return self.sms_attempts
