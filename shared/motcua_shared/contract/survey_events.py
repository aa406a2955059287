"""The survey's events (aggregate `survey`, published by survey): a satisfaction survey opened
and answered for a returned dossier, and a note in the suggestion box.
Rules of the contract (naming, versions, personal data): event_base.py.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import AwareDatetime

from motcua_shared.contract.event_base import CitizenContact, EventPayload


class SurveyEvent(EventPayload):
    aggregate: ClassVar[str] = "survey"
    abstract: ClassVar[bool] = True

    dossier_code: str
    unit_name: str | None = None
    province_code: str | None = None
    procedure_code: str
    field_code: str
    officer_id: str | None = None


class SatisfactionLevel(StrEnum):
    UNSATISFIED = "unsatisfied"  # không hài lòng
    SATISFIED = "satisfied"  # hài lòng
    VERY_SATISFIED = "very_satisfied"  # rất hài lòng


class SurveyOpened(SurveyEvent):
    """A survey is open for a returned dossier; notify sends the link."""

    survey_url: str
    expires_at: AwareDatetime
    contact: CitizenContact


class SurveyAnswered(SurveyEvent):
    """An answer, without the comment or anything personal."""

    level: SatisfactionLevel
    answer_channel: Literal["online", "kiosk"]
    answered_at: AwareDatetime


class SuggestionSubmitted(EventPayload):
    """A note in the suggestion box (hòm thư góp ý); the text stays in survey's database."""

    aggregate: ClassVar[str] = "survey"
    suggestion_id: str
    officer_id: str | None = None
    submitted_at: AwareDatetime
