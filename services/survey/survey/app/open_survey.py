"""On ResultReturned: open one survey for the dossier and announce it (SurveyOpened); a batch
of them in one transaction. Decree 118/2025/NĐ-CP and Circular 03/2025/TT-VPCP: the
citizen's satisfaction is asked once per dossier."""

import logging
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from motcua_shared.contract.dossier_events import ResultReturned
from motcua_shared.contract.envelope import Envelope
from motcua_shared.vietnam.timeutil import Clock

from survey.app.ports import Opening, SurveyRepository, Wake
from survey.app.published_events import survey_opened
from survey.domain.follow_up import contact_to_tell
from survey.domain.survey import Survey, SurveySubject, open_survey
from survey.domain.survey_eligibility import reason_not_to_survey

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpeningRules:
    lifetime: timedelta
    excluded_procedures: frozenset[str]
    public_url: str

    def survey_url(self, token: str) -> str:
        return f"{self.public_url.rstrip('/')}/s/{token}"


class OpenSurvey:
    def __init__(
        self, surveys: SurveyRepository, rules: OpeningRules, clock: Clock, wake: Wake
    ) -> None:
        self.surveys, self.rules, self.clock, self.wake = surveys, rules, clock, wake

    async def __call__(self, envelope: Envelope[Any]) -> Survey | None:
        opened = await self.open_batch([envelope])
        return opened[0] if opened else None

    async def open_batch(self, envelopes: Sequence[Envelope[Any]]) -> list[Survey]:
        """Open the surveys a batch of returned dossiers calls for, in one transaction."""
        openings = []
        for envelope in envelopes:
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
                continue
            survey = open_survey(
                _subject(envelope),
                survey_id=uuid.uuid4().hex,
                token=secrets.token_urlsafe(24),
                now=self.clock(),
                lifetime=self.rules.lifetime,
                correlation_id=envelope.correlation_id,
            )
            opened = survey_opened(survey, self.rules.survey_url(survey.token), event.contact)
            # Kept (phone and consent only) in case an unhappy answer must be followed up and
            # answered.
            openings.append(
                Opening(survey, opened, str(envelope.event_id), contact_to_tell(event.contact))
            )
        stored = await self.surveys.open_many(openings) if openings else []
        if len(stored) < len(openings):
            log.info(
                "%d of %d surveys already open or events already handled; ignored",
                len(openings) - len(stored),
                len(openings),
            )
        if stored:
            self.wake()
        return stored


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
