"""What the routers get from the composition root (bootstrap.py), through `app.state.services`."""

from typing import Protocol

from fastapi import Request

from motcua_shared.vietnam.timeutil import Clock

from survey.app.answer_survey import AnswerSurvey
from survey.app.follow_ups import FollowUps
from survey.app.suggestion_box import SuggestionBox
from survey.app.unit_reports import UnitReports

UNIT_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


class Services(Protocol):
    """What the routers read from `app.state.services` (bootstrap.Services provides it)."""

    answers: AnswerSurvey
    suggestions: SuggestionBox
    reports: UnitReports
    follow_ups: FollowUps
    clock: Clock


async def services(request: Request) -> Services:
    return request.app.state.services


def client_address(request: Request) -> str:
    """The sender's address: the connection's, or X-Forwarded-For's when the connection comes from
    a proxy listed in TRUSTED_PROXIES (uvicorn resolves it; none by default, so a header the
    sender wrote never changes who it is)."""
    return request.client.host if request.client else "unknown"
