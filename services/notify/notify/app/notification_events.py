"""The events a message's status changes publish (through the outbox, in the same transaction)."""

from datetime import datetime
from typing import Any

from motcua_shared.contract.envelope import Envelope
from motcua_shared.contract.event_base import MessageChannel
from motcua_shared.contract.notification_events import (
    NotificationDelivered,
    NotificationFailed,
    NotificationSent,
)

from notify.domain.message import Message, Status


def status_event(
    message: Message,
    status: Status,
    at: datetime,
    *,
    channel: MessageChannel | None = None,
    reason: str | None = None,
) -> Envelope[Any]:
    common = {
        "message_id": message.id,
        "dossier_code": message.dossier_code,
        "kind": str(message.kind),
        "channel": channel or message.channel,
        "at": at,
    }
    payload: NotificationSent | NotificationDelivered | NotificationFailed
    if status == Status.SENT:
        payload = NotificationSent(**common)
    elif status == Status.DELIVERED:
        payload = NotificationDelivered(**common)
    elif status == Status.FAILED:
        payload = NotificationFailed(**common, reason=(reason or "unknown")[:500])
    else:
        raise ValueError(f"{status} publishes no event")
    return Envelope.wrap(
        payload,
        aggregate_id=message.id,
        aggregate_version=message.version + 1,
        unit_code=message.unit_code,
        correlation_id=message.correlation_id,
        occurred_at=at,
    )
