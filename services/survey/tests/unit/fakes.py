"""In-memory fakes of survey's own ports (not of MongoDB): same contracts, kept in dicts."""

from datetime import datetime, timedelta
from typing import Any

from motcua_shared.contract.envelope import Envelope
from motcua_shared.contract.event_base import CitizenContact

from survey.domain.follow_up import FollowUp
from survey.domain.suggestion import Suggestion
from survey.domain.survey import Survey


class FakeFollowUps:
    """Follow-ups and their events, stored by the fakes of what opens them."""

    def __init__(self) -> None:
        self.by_key: dict[str, FollowUp] = {}
        self.events: list[Envelope[Any]] = []
        self.erased_suggestion_contacts: list[str] = []

    def insert(self, new: tuple[FollowUp, Envelope[Any]] | None) -> None:
        if new is not None:
            self.by_key[new[0].follow_up_id] = new[0]
            self.events.append(new[1])

    async def by_id(self, follow_up_id: str) -> FollowUp | None:
        return self.by_key.get(follow_up_id)

    async def for_unit(self, unit_code: str, status: str, limit: int) -> list[FollowUp]:
        mine = [f for f in self.by_key.values() if f.unit_code == unit_code]
        if status == "open":
            return sorted((f for f in mine if f.response is None), key=lambda f: f.due_at)[:limit]
        if status == "answered":
            mine = [f for f in mine if f.response is not None]
        return sorted(mine, key=lambda f: f.opened_at, reverse=True)[:limit]

    async def record_response(self, answered: FollowUp, event: Envelope[Any]) -> bool:
        if self.by_key[answered.follow_up_id].response is not None:
            return False
        self.by_key[answered.follow_up_id] = answered
        if answered.source == "suggestion":
            self.erased_suggestion_contacts.append(answered.source_id)
        self.events.append(event)
        return True


class FakeSurveys:
    def __init__(self, follow_ups: FakeFollowUps | None = None) -> None:
        self.follow_ups = follow_ups or FakeFollowUps()
        self.contacts: dict[str, CitizenContact] = {}
        self.by_id: dict[str, Survey] = {}
        self.processed: set[str] = set()
        self.events: list[Envelope[Any]] = []
        self.steal_next_answer = False  # simulate another answer winning the race

    async def open_many(self, openings) -> list[Survey]:
        stored = []
        for o in openings:
            if o.processed_event_id in self.processed or await self.by_dossier(
                o.survey.subject.dossier_code
            ):
                continue
            self.processed.add(o.processed_event_id)
            if o.contact is not None:
                self.contacts[o.survey.survey_id] = o.contact
            self.by_id[o.survey.survey_id] = o.survey
            self.events.append(o.opened)
            stored.append(o.survey)
        return stored

    async def by_token(self, token: str) -> Survey | None:
        return next((s for s in self.by_id.values() if s.token == token), None)

    async def by_dossier(self, dossier_code: str) -> Survey | None:
        return next(
            (s for s in self.by_id.values() if s.subject.dossier_code == dossier_code), None
        )

    async def contact_for(self, survey_id: str) -> CitizenContact | None:
        return self.contacts.get(survey_id)

    async def record_answer(self, survey: Survey, answered: Envelope[Any], follow_up=None) -> bool:
        if self.steal_next_answer or self.by_id[survey.survey_id].answer is not None:
            return False
        self.by_id[survey.survey_id] = survey
        self.events.append(answered)
        self.contacts.pop(survey.survey_id, None)
        self.follow_ups.insert(follow_up)
        return True

    async def answered_between(
        self, unit_code: str, start: datetime, end: datetime
    ) -> list[Survey]:
        found = [
            s
            for s in self.by_id.values()
            if s.subject.unit_code == unit_code and s.answer and start <= s.answer.answered_at < end
        ]
        return sorted(found, key=lambda s: s.answer.answered_at)  # type: ignore[union-attr]

    async def unit_name(self, unit_code: str) -> str | None:
        return next(
            (s.subject.unit_name for s in self.by_id.values() if s.subject.unit_code == unit_code),
            None,
        )


class FakeSuggestions:
    def __init__(self, follow_ups: FakeFollowUps | None = None) -> None:
        self.follow_ups = follow_ups or FakeFollowUps()
        self.notes: list[Suggestion] = []
        self.events: list[Envelope[Any]] = []

    async def add(self, suggestion: Suggestion, submitted: Envelope[Any], follow_up=None) -> None:
        self.notes.append(suggestion)
        self.events.append(submitted)
        self.follow_ups.insert(follow_up)

    async def for_unit(
        self, unit_code: str, start: datetime | None, end: datetime | None, limit: int
    ) -> list[Suggestion]:
        return [n for n in self.notes if n.unit_code == unit_code][:limit]


class FakeLimiter:
    window = timedelta(minutes=10)

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
