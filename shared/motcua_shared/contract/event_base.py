"""What every event model shares: the base class that derives the routing key from the class
name and registers the model, the schema version, and the citizen's contact.

Each event model is named in the past tense; its routing key (and `event_type`) is derived
from the class name, never typed twice: `DossierReceived` -> `dossier.received`,
`SupplementRequested` -> `dossier.supplement_requested`, `SurveyOpened` -> `survey.opened`.
The models are written one module per aggregate (dossier_events, survey_events,
feedback_events, notification_events); envelope.py wraps them for the wire.

Change a payload additively. A breaking change is a new model with `schema_version = 2`
that consumers accept side by side with the old one until it is gone.

Personal data: only `CitizenContact` (phone, consent, preferred channel) travels, and only on
the events notify needs to reach the citizen. Nothing else personal is ever in an event. The
phone is for the live message only: a producer's event log (its outbox, `GET /api/v1/events`)
keeps each event with `contact.phone` null once published (motcua_shared.messaging.outbox), so a
reader of a log (a rebuild) never relies on it. `phone` has always been optional: no schema change.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class MessageChannel(StrEnum):
    ZALO = "zalo"
    SMS = "sms"


class CitizenContact(BaseModel):
    """What notify needs to reach the citizen; nothing more (Decree 13/2023)."""

    model_config = ConfigDict(frozen=True)

    phone: str | None = Field(None, description="E.164, e.g. +84912345678")
    consent: bool = Field(False, description="The citizen agreed to receive messages")
    preferred_channel: MessageChannel = MessageChannel.ZALO


class EventPayload(BaseModel):
    """Base of every event model. Subclasses set `aggregate` (via a family base)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    aggregate: ClassVar[str] = ""
    schema_version: ClassVar[int] = SCHEMA_VERSION
    event_type: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Family bases (DossierEvent…) say `abstract = True` in their own body.
        if not cls.aggregate or cls.__dict__.get("abstract"):
            return
        name = _snake(cls.__name__)
        prefix = cls.aggregate + "_"
        cls.event_type = f"{cls.aggregate}.{name.removeprefix(prefix)}"
        EVENT_TYPES[(cls.event_type, cls.schema_version)] = cls

    @classmethod
    def routing_key(cls) -> str:
        return cls.event_type


EVENT_TYPES: dict[tuple[str, int], type[EventPayload]] = {}
