"""Follow-ups of citizens' feedback (phản ánh, kiến nghị): opened from an unhappy answer or a
suggestion that left a contact; listed for the unit's leader, who records what was done, once.
The rules (deadline, who is told, when the contact goes) are in `domain/follow_up.py`."""

import uuid
from dataclasses import dataclass
from typing import Any

from motcua_shared.contract.event_base import CitizenContact
from motcua_shared.contract.feedback_events import FeedbackSource
from motcua_shared.vietnam.timeutil import Clock

from survey.app.ports import FollowUpRepository, NewFollowUp, Wake
from survey.app.published_events import feedback_answered, feedback_opened
from survey.domain.errors import FollowUpAlreadyAnswered, FollowUpNotFound, NotYourUnit
from survey.domain.follow_up import FollowUp, open_follow_up
from survey.domain.suggestion import Suggestion
from survey.domain.survey import Survey


@dataclass(frozen=True)
class FollowUpOpener:
    """Builds a follow-up and its FeedbackOpened; the caller stores them with what opened it."""

    due_working_days: int

    def for_answer(self, survey: Survey, contact: CitizenContact | None) -> NewFollowUp:
        answer, subject = survey.answer, survey.subject
        assert answer is not None
        return self._new(
            unit_code=subject.unit_code,
            unit_name=subject.unit_name,
            province_code=subject.province_code,
            source=FeedbackSource.SURVEY,
            source_id=survey.survey_id,
            dossier_code=subject.dossier_code,
            feedback=answer.comment,
            opened_at=answer.answered_at,
            correlation_id=survey.correlation_id,
            contact=contact,
        )

    def for_suggestion(
        self, note: Suggestion, unit_name: str | None, contact: CitizenContact | None
    ) -> NewFollowUp:
        return self._new(
            unit_code=note.unit_code,
            unit_name=unit_name,
            province_code=None,
            source=FeedbackSource.SUGGESTION,
            source_id=note.suggestion_id,
            dossier_code=None,
            feedback=note.text,
            opened_at=note.submitted_at,
            correlation_id=str(uuid.uuid4()),
            contact=contact,
        )

    def _new(self, **facts: Any) -> NewFollowUp:
        follow_up = open_follow_up(
            follow_up_id=uuid.uuid4().hex, working_days=self.due_working_days, **facts
        )
        return follow_up, feedback_opened(follow_up)


class FollowUps:
    def __init__(self, follow_ups: FollowUpRepository, clock: Clock, wake: Wake) -> None:
        self.follow_ups, self.clock, self.wake = follow_ups, clock, wake

    async def for_unit(
        self, unit_code: str, status: str = "open", limit: int = 200
    ) -> list[FollowUp]:
        return await self.follow_ups.for_unit(unit_code, status, limit)

    async def respond(
        self, unit_code: str, follow_up_id: str, action: str, *, officer_id: str, officer_unit: str
    ) -> FollowUp:
        if officer_unit != unit_code:
            raise NotYourUnit(unit_code)
        follow_up = await self.follow_ups.by_id(follow_up_id)
        if follow_up is None or follow_up.unit_code != unit_code:
            raise FollowUpNotFound(follow_up_id)
        answered = follow_up.answered(action, officer_id, self.clock())
        if not await self.follow_ups.record_response(
            answered, feedback_answered(answered, follow_up.contact)
        ):
            raise FollowUpAlreadyAnswered(follow_up_id)  # lost a race with another answer
        self.wake()
        return answered
