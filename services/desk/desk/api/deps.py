"""What every page needs: the templates (Vietnamese formats as filters), the signed-in officer
(an HttpOnly SameSite cookie holding the token intake issued at login) and the CSRF check every
form post goes through (403 with a Vietnamese message when its token is missing or wrong)."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from motcua_shared.web.api_errors import ApiError
from motcua_shared.web.auth import Principal, decode_token

from desk.app.ports import ServiceApi
from desk.domain import csrf
from desk.domain.actions import history_label
from desk.domain.display_text import days_left, money, vn_date, vn_datetime, vn_phone
from desk.settings import DeskSettings

SESSION_COOKIE = "motcua_desk_session"
CSRF_COOKIE = "motcua_desk_csrf"
CSRF_FIELD = "csrf_token"

templates = Jinja2Templates(directory=str(Path(__file__).resolve().parents[1] / "templates"))
templates.env.filters.update(
    vn_date=vn_date,
    vn_datetime=vn_datetime,
    vn_phone=vn_phone,
    money=money,
    days_left=days_left,
    history_label=history_label,
)


@dataclass(frozen=True)
class Officer:
    principal: Principal
    token: str

    @property
    def roles(self) -> list[str]:
        return self.principal.roles

    def has(self, *roles: str) -> bool:
        return self.principal.has_any(*roles)


class LoginRequired(Exception):
    """No valid session: the page sends the officer to the login page."""


class CsrfRefused(Exception):
    pass


class Services(Protocol):
    """What the pages read from `app.state.services` (bootstrap.Services provides it)."""

    settings: DeskSettings
    intake: ServiceApi
    reporting: ServiceApi
    survey: ServiceApi
    qr: Callable[[str], str]


def services(request: Request) -> Services:
    return request.app.state.services


def officer_or_none(request: Request) -> Officer | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    settings = services(request).settings
    try:
        return Officer(decode_token(token, settings.jwt_secret, settings.jwt_algorithm), token)
    except ApiError:
        return None


def signed_in(request: Request) -> Officer:
    found = officer_or_none(request)
    if found is None:
        raise LoginRequired()
    return found


def role_required(officer: Officer, *roles: str) -> None:
    if not officer.has(*roles):
        raise ApiError(
            403,
            "forbidden_role",
            "Vai trò của bạn không được dùng trang này",
            "Your role may not use this page",
        )


def csrf_token(request: Request) -> str:
    value = getattr(request.state, "csrf_cookie", None) or request.cookies.get(CSRF_COOKIE) or ""
    return csrf.form_token(services(request).settings.jwt_secret, value)


async def checked_form(request: Request) -> FormData:
    """The posted form, once its CSRF token matches the browser's cookie."""
    form = await request.form()
    submitted = form.get(CSRF_FIELD)
    if not csrf.valid(
        services(request).settings.jwt_secret,
        request.cookies.get(CSRF_COOKIE),
        submitted if isinstance(submitted, str) else None,
    ):
        raise CsrfRefused()
    return form


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("officer", officer_or_none(request))
    return templates.TemplateResponse(
        request, template, {"csrf_token": csrf_token(request), **context}, status_code=status_code
    )
