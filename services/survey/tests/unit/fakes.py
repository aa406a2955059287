"""In-memory fakes of survey's own ports (not of MongoDB): same contracts, kept in dicts."""

from datetime import datetime
from typing import Any

from motcua_shared.events import Envelope

from survey.domain.suggestion import Suggestion
from survey.domain.survey import Survey


class FakeSurveys:
    def __init__(self) -> None:
        self.by_id: dict[str, Survey] = {}
        self.processed: set[str] = set()
        self.events: list[Envelope[Any]] = []
        self.steal_next_answer = False  # simulate another answer winning the race

    async def open_many(self, openings) -> list[Survey]:
        stored = []
        for o in openings:
            if o.processed_event_id in self.processed or await self.by_dossier(o.survey.subject.dossier_code):
                continue
            self.processed.add(o.processed_event_id)
            self.by_id[o.survey.survey_id] = o.survey
            self.events.append(o.opened)
            stored.append(o.survey)
        return stored

    async def by_token(self, token: str) -> Survey | None:
        return next((s for s in self.by_id.values() if s.token == token), None)

    async def by_dossier(self, dossier_code: str) -> Survey | None:
        return next((s for s in self.by_id.values() if s.subject.dossier_code == dossier_code), None)

    async def record_answer(self, survey: Survey, answered: Envelope[Any]) -> bool:
        if self.steal_next_answer or self.by_id[survey.survey_id].answer is not None:
            return False
        self.by_id[survey.survey_id] = survey
        self.events.append(answered)
        return True

    async def answered_between(self, unit_code: str, start: datetime, end: datetime) -> list[Survey]:
        found = [s for s in self.by_id.values()
                 if s.subject.unit_code == unit_code and s.answer and start <= s.answer.answered_at < end]
        return sorted(found, key=lambda s: s.answer.answered_at)  # type: ignore[union-attr]

    async def unit_name(self, unit_code: str) -> str | None:
        return next((s.subject.unit_name for s in self.by_id.values() if s.subject.unit_code == unit_code), None)


class FakeSuggestions:
    def __init__(self) -> None:
        self.notes: list[Suggestion] = []
        self.events: list[Envelope[Any]] = []

    async def add(self, suggestion: Suggestion, submitted: Envelope[Any]) -> None:
        self.notes.append(suggestion)
        self.events.append(submitted)

    async def for_unit(self, unit_code: str, start: datetime | None, end: datetime | None,
                       limit: int) -> list[Suggestion]:
        return [n for n in self.notes if n.unit_code == unit_code][:limit]


class FakeLimiter:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.hits: dict[str, int] = {}

    async def hit(self, client: str, now: datetime) -> bool:
        self.hits[client] = self.hits.get(client, 0) + 1
        return self.hits[client] <= self.limit


class WakeCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1
