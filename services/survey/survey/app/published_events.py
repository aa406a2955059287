"""The events survey publishes, built from domain objects (never with comment or contact text)."""

import uuid
from typing import Any

from motcua_shared.contract.envelope import Envelope
from motcua_shared.contract.event_base import CitizenContact
from motcua_shared.contract.feedback_events import FeedbackAnswered, FeedbackOpened
from motcua_shared.contract.survey_events import SuggestionSubmitted, SurveyAnswered, SurveyOpened
from motcua_shared.vietnam.privacy import mask_text

from survey.domain.follow_up import FollowUp
from survey.domain.suggestion import Suggestion
from survey.domain.survey import Survey

# A survey is its own aggregate (id = survey_id): opened is version 1, answered version 2.
OPENED_VERSION = 1
ANSWERED_VERSION = 2


def _subject_fields(survey: Survey) -> dict[str, Any]:
    subject = survey.subject
    return {
        "dossier_code": subject.dossier_code,
        "unit_name": subject.unit_name,
        "province_code": subject.province_code,
        "procedure_code": subject.procedure_code,
        "field_code": subject.field_code,
        "officer_id": subject.officer_id,
    }


def survey_opened(survey: Survey, survey_url: str, contact: CitizenContact) -> Envelope[Any]:
    payload = SurveyOpened(
        **_subject_fields(survey),
        survey_url=survey_url,
        expires_at=survey.expires_at,
        contact=contact,
    )
    return Envelope.wrap(
        payload,
        aggregate_id=survey.survey_id,
        aggregate_version=OPENED_VERSION,
        unit_code=survey.subject.unit_code,
        correlation_id=survey.correlation_id,
        occurred_at=survey.opened_at,
    )


def survey_answered(survey: Survey) -> Envelope[Any]:
    answer = survey.answer
    assert answer is not None, "only an answered survey has a SurveyAnswered event"
    payload = SurveyAnswered(
        **_subject_fields(survey),
        level=answer.level,
        answer_channel=answer.channel,
        answered_at=answer.answered_at,
    )
    return Envelope.wrap(
        payload,
        aggregate_id=survey.survey_id,
        aggregate_version=ANSWERED_VERSION,
        unit_code=survey.subject.unit_code,
        correlation_id=survey.correlation_id,
        occurred_at=answer.answered_at,
    )


def suggestion_submitted(suggestion: Suggestion) -> Envelope[Any]:
    # The officer is free text typed by the citizen: a phone or CCCD written there must not
    # leave survey's database in full (the event log is read by reporting).
    officer = mask_text(suggestion.officer) if suggestion.officer else None
    payload = SuggestionSubmitted(
        suggestion_id=suggestion.suggestion_id,
        officer_id=officer,
        submitted_at=suggestion.submitted_at,
    )
    return Envelope.wrap(
        payload,
        aggregate_id=suggestion.suggestion_id,
        aggregate_version=1,
        unit_code=suggestion.unit_code,
        correlation_id=str(uuid.uuid4()),
        occurred_at=suggestion.submitted_at,
    )


# A follow-up is its own aggregate (id = follow_up_id): opened is version 1, answered version 2.
def _feedback_fields(follow_up: FollowUp) -> dict[str, Any]:
    return {
        "source": follow_up.source,
        "dossier_code": follow_up.dossier_code,
        "unit_name": follow_up.unit_name,
        "province_code": follow_up.province_code,
        "opened_at": follow_up.opened_at,
        "due_at": follow_up.due_at,
    }


def feedback_opened(follow_up: FollowUp) -> Envelope[Any]:
    return Envelope.wrap(
        FeedbackOpened(**_feedback_fields(follow_up)),
        aggregate_id=follow_up.follow_up_id,
        aggregate_version=OPENED_VERSION,
        unit_code=follow_up.unit_code,
        correlation_id=follow_up.correlation_id,
        occurred_at=follow_up.opened_at,
    )


def feedback_answered(answered: FollowUp, contact: CitizenContact | None) -> Envelope[Any]:
    """`contact`: the one the follow-up held before the answer erased it (None: nobody to tell)."""
    response = answered.response
    assert response is not None, "only an answered follow-up has a FeedbackAnswered event"
    payload = FeedbackAnswered(
        **_feedback_fields(answered),
        answered_at=response.answered_at,
        on_time=bool(answered.answered_on_time),
        contact=contact,
    )
    return Envelope.wrap(
        payload,
        aggregate_id=answered.follow_up_id,
        aggregate_version=ANSWERED_VERSION,
        unit_code=answered.unit_code,
        correlation_id=answered.correlation_id,
        occurred_at=response.answered_at,
    )
