"""Message <-> MongoDB document. The phone is stored (it is needed to send) and the whole
document expires with the message log's TTL."""

from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

from motcua_shared.contract.dossier_events import CivilStatusEvent
from motcua_shared.contract.event_base import MessageChannel
from motcua_shared.vietnam.privacy import mask_phone

from notify.app.ports import Finish, SendOutcome
from notify.domain.message import Message, Status
from notify.domain.message_kinds import MessageKind
from notify.domain.planning import DossierFacts
from notify.domain.rendering import RenderedMessage


def to_document(message: Message, ttl: timedelta) -> dict[str, Any]:
    return {
        "_id": message.id,
        "event_id": message.event_id,
        "kind": str(message.kind),
        "dossier_code": message.dossier_code,
        "unit_code": message.unit_code,
        "correlation_id": message.correlation_id,
        "phone": message.phone,
        "phone_masked": mask_phone(message.phone),
        "preferred_channel": str(message.preferred_channel),
        "rendered": asdict(message.rendered) if message.rendered else None,
        "status": str(message.status),
        "not_before": message.not_before,
        "channel": str(message.channel) if message.channel else None,
        "zalo_attempts": message.zalo_attempts,
        "sms_attempts": message.sms_attempts,
        "version": message.version,
        "claim_token": None,
        "claim_until": None,
        "provider_id": None,
        "reason": message.reason,
        "early_receipt": None,
        "history": [
            {
                "at": message.created_at,
                "event": f"created {message.status}",
                **({"detail": message.reason} if message.reason else {}),
            }
        ],
        "created_at": message.created_at,
        "updated_at": message.created_at,
        "expires_at": message.created_at + ttl,
    }


def from_document(doc: dict[str, Any]) -> Message:
    rendered = doc.get("rendered")
    return Message(
        id=doc["_id"],
        event_id=doc["event_id"],
        kind=MessageKind(doc["kind"]),
        dossier_code=doc.get("dossier_code"),
        unit_code=doc["unit_code"],
        correlation_id=doc["correlation_id"],
        phone=doc.get("phone"),
        preferred_channel=MessageChannel(doc["preferred_channel"]),
        rendered=RenderedMessage(**rendered) if rendered else None,
        status=Status(doc["status"]),
        not_before=doc["not_before"],
        created_at=doc["created_at"],
        channel=MessageChannel(doc["channel"]) if doc.get("channel") else None,
        zalo_attempts=doc.get("zalo_attempts", 0),
        sms_attempts=doc.get("sms_attempts", 0),
        version=doc.get("version", 0),
        claim_token=doc.get("claim_token"),
        provider_id=doc.get("provider_id"),
        reason=doc.get("reason"),
        early_receipt_note=doc.get("early_receipt"),
        history=doc.get("history", []),
    )


def facts_document(facts: DossierFacts) -> dict[str, Any]:
    return {
        "civil_status_event": str(facts.civil_status_event) if facts.civil_status_event else None,
        "home_return_date": facts.home_return_date.isoformat() if facts.home_return_date else None,
        "home_service": facts.home_service,
    }


def facts_from_document(doc: dict[str, Any] | None) -> DossierFacts:
    if not doc:
        return DossierFacts()
    civil, home = doc.get("civil_status_event"), doc.get("home_return_date")
    return DossierFacts(
        CivilStatusEvent(civil) if civil else None,
        date.fromisoformat(home) if home else None,
        home_service=doc.get("home_service", False),
    )


def outcome_update(result: SendOutcome | Finish, mark: str) -> dict[str, Any]:
    """A send's outcome or a finish; `recorded` tells this write's updates from anyone else's."""
    message = result.message
    changes: dict[str, Any] = {
        "status": result.status.value,
        "updated_at": result.at,
        "claim_token": None,
        "claim_until": None,
        "zalo_attempts": message.zalo_attempts,
        "sms_attempts": message.sms_attempts,
        "recorded": mark,
    }
    if result.channel is not None:
        changes["channel"] = result.channel.value
    if isinstance(result, SendOutcome) and result.status == Status.QUEUED:
        # back to the queue, without a ticket (promoted when due)
        changes |= {"not_before": result.not_before, "queue_pos": None}
        return {"$set": changes}
    if result.provider_id is not None:
        changes["provider_id"] = result.provider_id
    if result.reason is not None:
        changes["reason"] = result.reason
    return {"$set": changes, "$inc": {"version": 1}}


def as_read(message: Message) -> dict[str, Any]:
    """Match the message only if nobody changed it since we read it."""
    return {
        "_id": message.id,
        "status": message.status.value,
        "claim_token": message.claim_token,
        "version": message.version,
    }
