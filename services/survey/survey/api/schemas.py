"""Request bodies (shared by the JSON API and the HTML forms) and JSON responses."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from motcua_shared.contract.feedback_events import FeedbackSource
from motcua_shared.contract.survey_events import SatisfactionLevel
from motcua_shared.vietnam.text import NfcStr
from motcua_shared.web.api_errors import bilingual_error

from survey.domain.follow_up import ACTION_MAX_LENGTH
from survey.domain.suggestion import CONTACT_MAX_LENGTH, OFFICER_MAX_LENGTH, TEXT_MAX_LENGTH
from survey.domain.survey import COMMENT_MAX_LENGTH


def _text(max_length: int, min_length: int = 0) -> type[str]:
    return Annotated[
        NfcStr,
        StringConstraints(
            strip_whitespace=True,
            min_length=min_length,  # type: ignore[return-value]
            max_length=max_length,
        ),
    ]


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: SatisfactionLevel
    comment: _text(COMMENT_MAX_LENGTH) | None = None  # type: ignore[valid-type]


class SuggestionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: _text(TEXT_MAX_LENGTH, min_length=1)  # type: ignore[valid-type]
    officer: _text(OFFICER_MAX_LENGTH) | None = None  # type: ignore[valid-type]
    contact: _text(CONTACT_MAX_LENGTH) | None = None  # type: ignore[valid-type]
    consent: bool = Field(
        False,
        description="The writer agrees to be told the answer by Zalo or SMS at the "
        "mobile number given as contact",
    )


class AnswerOut(BaseModel):
    dossier_code: str
    level: SatisfactionLevel
    answer_channel: Literal["online", "kiosk"]
    answered_at: datetime


class SuggestionReceipt(BaseModel):
    suggestion_id: str
    submitted_at: datetime


class SuggestionOut(BaseModel):
    suggestion_id: str
    text: str
    officer: str | None
    contact: str | None
    submitted_at: datetime


class SuggestionList(BaseModel):
    unit_code: str
    suggestions: list[SuggestionOut]


class CommentOut(BaseModel):
    dossier_code: str
    procedure_code: str
    procedure_name: str
    officer_id: str
    level: SatisfactionLevel
    comment: str
    answer_channel: Literal["online", "kiosk"]
    answered_at: datetime


class CommentList(BaseModel):
    unit_code: str
    month: str
    comments: list[CommentOut]


class TallyOut(BaseModel):
    unit_code: str
    month: str
    answers: int
    counts: dict[SatisfactionLevel, int]
    satisfied_rate: float | None
    comments: list[CommentOut]


class FollowUpResponseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: _text(ACTION_MAX_LENGTH, min_length=1) = Field(  # type: ignore[valid-type]
        description="What the unit did about the feedback (kết quả xử lý phản ánh, kiến nghị)"
    )

    @field_validator("action")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise bilingual_error("Vui lòng ghi kết quả xử lý", "What was done must not be blank")
        return value.strip()


class FollowUpOut(BaseModel):
    follow_up_id: str
    unit_code: str
    source: FeedbackSource
    dossier_code: str | None
    feedback: str | None = Field(description="The citizen's comment or note")
    opened_at: datetime
    due_at: datetime
    overdue: bool = Field(description="Not answered and past due_at")
    tells_citizen: bool = Field(
        description="The citizen left a mobile phone and consent: told the answer by Zalo or SMS"
    )
    action: str | None
    answered_by: str | None
    answered_at: datetime | None
    answered_on_time: bool | None


class FollowUpList(BaseModel):
    unit_code: str
    status: Literal["open", "answered", "all"]
    follow_ups: list[FollowUpOut]
