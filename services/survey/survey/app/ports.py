"""What the use cases need from the outside world; adapters/ implement these, tests fake them."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from motcua_shared.contract.envelope import Envelope
from motcua_shared.contract.event_base import CitizenContact

from survey.domain.follow_up import FollowUp
from survey.domain.suggestion import Suggestion
from survey.domain.survey import Survey

Wake = Callable[[], None]  # tells the outbox relay that events were committed
NewFollowUp = tuple[
    FollowUp, Envelope[Any]
]  # a follow-up and its FeedbackOpened, stored with what opened it


@dataclass(frozen=True)
class Opening:
    survey: Survey
    opened: Envelope[Any]
    processed_event_id: str
    contact: CitizenContact | None = None  # to tell the outcome of an unhappy answer's follow-up


class SurveyRepository(Protocol):
    async def open_many(self, openings: Sequence[Opening]) -> list[Survey]:
        """Store each survey, its SurveyOpened event and the processed event id, all in one
        transaction; skip (and return without) those whose event was already processed or
        whose dossier already has a survey. The contact to tell (if any) is kept until the survey
        is answered or expires. Raises if a competing consumer opened one meanwhile."""

    async def contact_for(self, survey_id: str) -> CitizenContact | None:
        """The contact kept with an unanswered survey (None: none given, or expired)."""

    async def by_token(self, token: str) -> Survey | None: ...

    async def by_dossier(self, dossier_code: str) -> Survey | None: ...

    async def record_answer(
        self, survey: Survey, answered: Envelope[Any], follow_up: NewFollowUp | None = None
    ) -> bool:
        """Store the answer and its SurveyAnswered event atomically, if still unanswered; drop the
        survey's contact and store the follow-up (with its event) in the same transaction."""

    async def answered_between(
        self, unit_code: str, start: datetime, end: datetime
    ) -> list[Survey]: ...

    async def unit_name(self, unit_code: str) -> str | None: ...


class SuggestionRepository(Protocol):
    async def add(
        self, suggestion: Suggestion, submitted: Envelope[Any], follow_up: NewFollowUp | None = None
    ) -> None:
        """Store the suggestion and its SuggestionSubmitted event (and its follow-up) atomically."""

    async def for_unit(
        self, unit_code: str, start: datetime | None, end: datetime | None, limit: int
    ) -> list[Suggestion]: ...


class FollowUpRepository(Protocol):
    async def by_id(self, follow_up_id: str) -> FollowUp | None: ...

    async def for_unit(self, unit_code: str, status: str, limit: int) -> list[FollowUp]:
        """`status`: open (oldest due first), answered or all (newest first)."""

    async def record_response(self, answered: FollowUp, event: Envelope[Any]) -> bool:
        """Store the response, erase the contact (here and on the suggestion it follows) and
        the FeedbackAnswered event atomically, if still unanswered."""


class RateLimiter(Protocol):
    window: timedelta  # how long an attempt counts: the Retry-After of a refusal

    async def hit(self, client: str, now: datetime) -> bool:
        """Count one attempt by `client`; False when it is over the limit."""
