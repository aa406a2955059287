"""The suggestion box: anonymous notes per unit, flood-limited, listed for the unit's leader."""

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime

from motcua_shared.vietnam.timeutil import Clock

from survey.app.follow_ups import FollowUpOpener
from survey.app.ports import RateLimiter, SuggestionRepository, Wake
from survey.app.published_events import suggestion_submitted
from survey.domain.follow_up import suggestion_contact, suggestion_needs_follow_up
from survey.domain.suggestion import Suggestion

UnitName = Callable[[str], Awaitable[str | None]]  # the unit's display name, if known


class TooManySuggestions(Exception):
    """This client sent more than the limit allows in the window; try again after
    `retry_after` s."""

    def __init__(self, unit_code: str, retry_after: int) -> None:
        super().__init__(unit_code)
        self.retry_after = retry_after


class SuggestionBox:
    def __init__(
        self,
        suggestions: SuggestionRepository,
        limiter: RateLimiter,
        clock: Clock,
        wake: Wake,
        follow_ups: FollowUpOpener,
        unit_name: UnitName,
    ) -> None:
        self.suggestions, self.limiter, self.clock, self.wake = suggestions, limiter, clock, wake
        self.follow_ups, self.unit_name = follow_ups, unit_name

    async def submit(
        self,
        unit_code: str,
        text: str,
        officer: str | None,
        contact: str | None,
        *,
        client: str,
        consent: bool = False,
    ) -> Suggestion:
        """`client` (the sender's address) only feeds the rate limit; it is never stored
        with the note.
        A note with a contact opens a follow-up; `consent`: the writer agrees to be
        messaged the answer."""
        now = self.clock()
        if not await self.limiter.hit(client, now):
            raise TooManySuggestions(unit_code, int(self.limiter.window.total_seconds()))
        suggestion = Suggestion(
            uuid.uuid4().hex,
            unit_code,
            text.strip(),
            _blank_to_none(officer),
            _blank_to_none(contact),
            now,
        )
        follow_up = None
        if suggestion_needs_follow_up(suggestion.contact):
            follow_up = self.follow_ups.for_suggestion(
                suggestion,
                await self.unit_name(unit_code),
                suggestion_contact(suggestion.contact, consent),
            )
        await self.suggestions.add(suggestion, suggestion_submitted(suggestion), follow_up)
        self.wake()
        return suggestion

    async def for_unit(
        self,
        unit_code: str,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int = 200,
    ) -> list[Suggestion]:
        return await self.suggestions.for_unit(unit_code, start, end, limit)


def _blank_to_none(value: str | None) -> str | None:
    return (value or "").strip() or None
