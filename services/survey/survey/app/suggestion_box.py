"""The suggestion box: anonymous notes per unit, flood-limited, listed for the unit's leader."""

import uuid
from datetime import datetime

from survey.app.envelopes import suggestion_submitted
from survey.app.ports import Clock, RateLimiter, SuggestionRepository, Wake
from survey.domain.suggestion import Suggestion


class TooManySuggestions(Exception):
    """This client sent more than the limit allows in the window; try again after `retry_after` s."""

    def __init__(self, unit_code: str, retry_after: int) -> None:
        super().__init__(unit_code)
        self.retry_after = retry_after


class SuggestionBox:
    def __init__(self, suggestions: SuggestionRepository, limiter: RateLimiter, clock: Clock,
                 wake: Wake) -> None:
        self.suggestions, self.limiter, self.clock, self.wake = suggestions, limiter, clock, wake

    async def submit(self, unit_code: str, text: str, officer: str | None, contact: str | None, *,
                     client: str) -> Suggestion:
        """`client` (the sender's address) only feeds the rate limit; it is never stored with the note."""
        now = self.clock()
        if not await self.limiter.hit(client, now):
            raise TooManySuggestions(unit_code, int(self.limiter.window.total_seconds()))
        suggestion = Suggestion(uuid.uuid4().hex, unit_code, text.strip(), _blank_to_none(officer),
                                _blank_to_none(contact), now)
        await self.suggestions.add(suggestion, suggestion_submitted(suggestion))
        self.wake()
        return suggestion

    async def for_unit(self, unit_code: str, start: datetime | None = None, end: datetime | None = None,
                       limit: int = 200) -> list[Suggestion]:
        return await self.suggestions.for_unit(unit_code, start, end, limit)


def _blank_to_none(value: str | None) -> str | None:
    return (value or "").strip() or None
