"""What the use cases need from the outside world; adapters/ implement these, tests fake them."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Protocol

from motcua_shared.events import Envelope

from survey.domain.suggestion import Suggestion
from survey.domain.survey import Survey

Clock = Callable[[], datetime]
Wake = Callable[[], None]  # tells the outbox relay that events were committed


@dataclass(frozen=True)
class Opening:
    survey: Survey
    opened: Envelope[Any]
    processed_event_id: str


class SurveyRepository(Protocol):
    async def open_many(self, openings: Sequence[Opening]) -> list[Survey]:
        """Store each survey, its SurveyOpened event and the processed event id, all in one
        transaction; skip (and return without) those whose event was already processed or
        whose dossier already has a survey. Raises if a competing consumer opened one meanwhile."""

    async def by_token(self, token: str) -> Survey | None: ...

    async def by_dossier(self, dossier_code: str) -> Survey | None: ...

    async def record_answer(self, survey: Survey, answered: Envelope[Any]) -> bool:
        """Store the answer and its SurveyAnswered event atomically, if still unanswered."""

    async def answered_between(self, unit_code: str, start: datetime, end: datetime) -> list[Survey]: ...

    async def unit_name(self, unit_code: str) -> str | None: ...


class SuggestionRepository(Protocol):
    async def add(self, suggestion: Suggestion, submitted: Envelope[Any]) -> None:
        """Store the suggestion and its SuggestionSubmitted event atomically."""

    async def for_unit(self, unit_code: str, start: datetime | None, end: datetime | None,
                       limit: int) -> list[Suggestion]: ...


class RateLimiter(Protocol):
    async def hit(self, client: str, now: datetime) -> bool:
        """Count one attempt by `client`; False when it is over the limit."""
