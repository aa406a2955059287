"""The notification events (aggregate `notification`, published by notify): a message to a
citizen sent, delivered or failed.
Rules of the contract (naming, versions, personal data): event_base.py.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime

from motcua_shared.contract.event_base import EventPayload, MessageChannel


class NotificationEvent(EventPayload):
    aggregate: ClassVar[str] = "notification"
    abstract: ClassVar[bool] = True

    message_id: str
    dossier_code: str | None = None
    kind: str
    channel: MessageChannel | None = None
    at: AwareDatetime


class NotificationSent(NotificationEvent):
    """The provider accepted the message."""


class NotificationDelivered(NotificationEvent):
    """The provider's receipt says it reached the phone."""


class NotificationFailed(NotificationEvent):
    """No channel could deliver it; `reason` says why."""

    reason: str
