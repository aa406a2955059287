"""Record the citizen's one answer: online through the link, or keyed at the desk's kiosk."""

from motcua_shared.contract.survey_events import SatisfactionLevel
from motcua_shared.vietnam.timeutil import Clock

from survey.app.follow_ups import FollowUpOpener
from survey.app.ports import SurveyRepository, Wake
from survey.app.published_events import survey_answered
from survey.domain.errors import NotYourUnit, SurveyAlreadyAnswered, SurveyNotFound
from survey.domain.follow_up import answer_needs_follow_up
from survey.domain.survey import AnswerChannel, Survey


class AnswerSurvey:
    def __init__(
        self, surveys: SurveyRepository, clock: Clock, wake: Wake, follow_ups: FollowUpOpener
    ) -> None:
        self.surveys, self.clock, self.wake, self.follow_ups = surveys, clock, wake, follow_ups

    async def open_by_token(self, token: str) -> Survey:
        """The survey behind a link, if it can still be answered (else a domain error)."""
        survey = await self._by_token(token)
        survey.ensure_answerable(self.clock())
        return survey

    async def online(self, token: str, level: SatisfactionLevel, comment: str | None) -> Survey:
        return await self._record(await self._by_token(token), level, comment, "online", None)

    async def at_kiosk(
        self,
        dossier_code: str,
        level: SatisfactionLevel,
        comment: str | None,
        *,
        officer_id: str,
        officer_unit: str,
    ) -> Survey:
        survey = await self.surveys.by_dossier(dossier_code)
        if survey is None:
            raise SurveyNotFound(dossier_code)
        if survey.subject.unit_code != officer_unit:
            raise NotYourUnit(dossier_code)
        return await self._record(survey, level, comment, "kiosk", officer_id)

    async def _by_token(self, token: str) -> Survey:
        survey = await self.surveys.by_token(token)
        if survey is None:
            raise SurveyNotFound("unknown link")
        return survey

    async def _record(
        self,
        survey: Survey,
        level: SatisfactionLevel,
        comment: str | None,
        channel: AnswerChannel,
        answered_by: str | None,
    ) -> Survey:
        answered = survey.answered(level, comment, channel, self.clock(), answered_by)
        follow_up = None
        if answer_needs_follow_up(level):  # "không hài lòng": the leader must answer it
            follow_up = self.follow_ups.for_answer(
                answered, await self.surveys.contact_for(survey.survey_id)
            )
        if not await self.surveys.record_answer(answered, survey_answered(answered), follow_up):
            raise SurveyAlreadyAnswered(
                survey.subject.dossier_code
            )  # lost a race with another answer
        self.wake()
        return answered
