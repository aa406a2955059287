"""A satisfaction survey (phiếu khảo sát mức độ hài lòng): one per returned dossier, one answer."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from motcua_shared.contract.survey_events import SatisfactionLevel

from survey.domain.errors import SurveyAlreadyAnswered, SurveyExpired

AnswerChannel = Literal["online", "kiosk"]

COMMENT_MAX_LENGTH = 1000

LEVEL_LABELS_VI = {
    SatisfactionLevel.UNSATISFIED: "Không hài lòng",
    SatisfactionLevel.SATISFIED: "Hài lòng",
    SatisfactionLevel.VERY_SATISFIED: "Rất hài lòng",
}


@dataclass(frozen=True)
class SurveySubject:
    """What the survey is about: the dossier, its unit, procedure, field and officer."""

    dossier_code: str
    unit_code: str
    unit_name: str
    province_code: str
    procedure_code: str
    procedure_name: str
    field_code: str
    officer_id: str


@dataclass(frozen=True)
class Answer:
    level: SatisfactionLevel
    comment: str | None
    channel: AnswerChannel
    answered_at: datetime
    answered_by: str | None = None  # the desk officer who keyed a kiosk answer


@dataclass(frozen=True)
class Survey:
    survey_id: str
    token: str
    subject: SurveySubject
    opened_at: datetime
    expires_at: datetime
    correlation_id: str
    answer: Answer | None = None

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def ensure_answerable(self, now: datetime) -> None:
        """A used link says so even after expiry: the citizen's answer counted."""
        if self.answer is not None:
            raise SurveyAlreadyAnswered(self.subject.dossier_code)
        if self.is_expired(now):
            raise SurveyExpired(self.subject.dossier_code)

    def answered(
        self,
        level: SatisfactionLevel,
        comment: str | None,
        channel: AnswerChannel,
        now: datetime,
        answered_by: str | None = None,
    ) -> "Survey":
        self.ensure_answerable(now)
        comment = (comment or "").strip() or None
        return replace(self, answer=Answer(level, comment, channel, now, answered_by))


def open_survey(
    subject: SurveySubject,
    *,
    survey_id: str,
    token: str,
    now: datetime,
    lifetime: timedelta,
    correlation_id: str,
) -> Survey:
    return Survey(
        survey_id=survey_id,
        token=token,
        subject=subject,
        opened_at=now,
        expires_at=now + lifetime,
        correlation_id=correlation_id,
    )
