"""The envelope: what travels on the wire around one event payload, and the parsing of raw
wire data back into an envelope with its typed payload.

Every event module is imported here, so the registry knows every (event_type, schema_version)
whichever module a caller imported first. Rules of the contract: event_base.py.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from motcua_shared.contract import (  # noqa: F401  (registers every event model)
    dossier_events,
    feedback_events,
    notification_events,
    survey_events,
)
from motcua_shared.contract.event_base import EVENT_TYPES, SCHEMA_VERSION, EventPayload

P = TypeVar("P", bound=EventPayload)


class Envelope(BaseModel, Generic[P]):
    """What travels on the wire: routing metadata around one event payload."""

    model_config = ConfigDict(frozen=True)

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    event_type: str
    schema_version: int = SCHEMA_VERSION
    occurred_at: AwareDatetime = Field(description="Stored in UTC; shown in Asia/Ho_Chi_Minh")
    aggregate_id: str = Field(description="The dossier code (or survey / message id)")
    aggregate_version: int = Field(ge=1, description="1, 2, 3… per aggregate, gap-free")
    unit_code: str
    correlation_id: str
    payload: P

    @field_validator("occurred_at")
    @classmethod
    def _to_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    @classmethod
    def wrap(
        cls,
        payload: EventPayload,
        *,
        aggregate_id: str,
        aggregate_version: int,
        unit_code: str,
        correlation_id: str,
        occurred_at: datetime,
        event_id: uuid.UUID | None = None,
    ) -> Envelope[Any]:
        return Envelope[type(payload)](  # type: ignore[misc, operator]
            event_id=event_id or uuid.uuid4(),
            event_type=payload.event_type,
            schema_version=payload.schema_version,
            occurred_at=occurred_at,
            aggregate_id=aggregate_id,
            aggregate_version=aggregate_version,
            unit_code=unit_code,
            correlation_id=correlation_id,
            payload=payload,
        )

    @property
    def routing_key(self) -> str:
        return self.event_type


class UnknownEventType(ValueError):
    """An envelope whose (event_type, schema_version) this code does not know."""


def parse_envelope(data: bytes | str | dict[str, Any]) -> Envelope[Any]:
    """Validate raw wire data into an Envelope with its typed payload.

    Raises pydantic.ValidationError for a malformed message and UnknownEventType for an
    event this version of the contract does not know.
    """
    body = data if isinstance(data, dict) else json.loads(data)
    head = _EnvelopeHead.model_validate(body)
    model = EVENT_TYPES.get((head.event_type, head.schema_version))
    if model is None:
        raise UnknownEventType(f"unknown event {head.event_type} v{head.schema_version}")
    return Envelope[model].model_validate(body)  # type: ignore[valid-type]


class _EnvelopeHead(BaseModel):
    event_type: str
    schema_version: int = SCHEMA_VERSION


def all_event_models() -> list[type[EventPayload]]:
    return list(EVENT_TYPES.values())
