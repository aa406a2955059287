"""On ResultReturned: open one survey for the dossier and announce it (SurveyOpened)."""

import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from motcua_shared.events import Envelope, ResultReturned

from survey.app.envelopes import survey_opened
from survey.app.ports import Clock, SurveyRepository, Wake
from survey.domain.follow_up import contact_to_tell
from survey.domain.policy import reason_not_to_survey
from survey.domain.survey import Survey, SurveySubject, open_survey

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpeningRules:
    lifetime: timedelta
    excluded_procedures: frozenset[str]
    public_url: str

    def survey_url(self, token: str) -> str:
        return f"{self.public_url.rstrip('/')}/s/{token}"


class OpenSurvey:
    def __init__(self, surveys: SurveyRepository, rules: OpeningRules, clock: Clock, wake: Wake) -> None:
        self.surveys, self.rules, self.clock, self.wake = surveys, rules, clock, wake

    async def __call__(self, envelope: Envelope[Any]) -> Survey | None:
        event: ResultReturned = envelope.payload
        skip = reason_not_to_survey(
            outcome=event.outcome,
            civil_status_event=event.civil_status_event,
            procedure_code=event.procedure_code,
            parent_code=event.parent_code,
            excluded_procedures=self.rules.excluded_procedures,
        )
        if skip is not None:
            log.info("no survey for %s: %s", envelope.aggregate_id, skip)
            return None
        survey = open_survey(
            _subject(envelope),
            survey_id=uuid.uuid4().hex,
            token=secrets.token_urlsafe(24),
            now=self.clock(),
            lifetime=self.rules.lifetime,
            correlation_id=envelope.correlation_id,
        )
        opened = survey_opened(survey, self.rules.survey_url(survey.token), event.contact)
        # Kept (phone and consent only) in case an unhappy answer must be followed up and answered.
        if not await self.surveys.open(survey, opened, str(envelope.event_id), contact_to_tell(event.contact)):
            log.info("survey for %s already open; event %s ignored", envelope.aggregate_id, envelope.event_id)
            return None
        self.wake()
        return survey


def _subject(envelope: Envelope[Any]) -> SurveySubject:
    event: ResultReturned = envelope.payload
    return SurveySubject(
        dossier_code=envelope.aggregate_id,
        unit_code=envelope.unit_code,
        unit_name=event.unit_name,
        province_code=event.province_code,
        procedure_code=event.procedure_code,
        procedure_name=event.procedure_name,
        field_code=event.field_code,
        officer_id=event.officer_id,
    )
