"""The feedback events (aggregate `feedback`, published by survey): a follow-up (phản ánh,
kiến nghị) opened for the unit's leader and answered by them.
Rules of the contract (naming, versions, personal data): event_base.py.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import AwareDatetime, Field

from motcua_shared.contract.event_base import CitizenContact, EventPayload


class FeedbackSource(StrEnum):
    """What opened a follow-up (phản ánh, kiến nghị)."""

    SURVEY = "survey"  # a "không hài lòng" survey answer
    SUGGESTION = "suggestion"  # a suggestion-box note that left a contact (not anonymous-only)


class FeedbackEvent(EventPayload):
    """A follow-up the unit's leader must answer by `due_at`; aggregate = the follow-up id.
    Nothing personal, but the contact on FeedbackAnswered when the citizen consented."""

    aggregate: ClassVar[str] = "feedback"
    abstract: ClassVar[bool] = True

    source: FeedbackSource
    dossier_code: str | None = Field(
        None, description="The surveyed dossier; None for a suggestion"
    )
    unit_name: str | None = None
    province_code: str | None = None
    opened_at: AwareDatetime
    due_at: AwareDatetime = Field(
        description="End of the last working day to answer (Asia/Ho_Chi_Minh)"
    )


class FeedbackOpened(FeedbackEvent):
    """A follow-up is open for the unit's leader (phản ánh, kiến nghị tiếp nhận)."""


class FeedbackAnswered(FeedbackEvent):
    """The leader recorded what was done; notify tells a citizen who gave a phone and consent."""

    answered_at: AwareDatetime
    on_time: bool = Field(description="answered_at <= due_at")
    contact: CitizenContact | None = Field(
        None, description="Only when the citizen left a phone and consented"
    )
