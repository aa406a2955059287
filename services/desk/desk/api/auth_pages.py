"""Login and logout pages. The password goes to intake's `POST /api/v1/auth/login` (accounts,
argon2 hashes and lock-out live there); the token it returns is kept in an HttpOnly, SameSite=Lax
cookie (never readable by scripts), marked Secure behind HTTPS (DESK_COOKIE_SECURE)."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from desk.api.deps import SESSION_COOKIE, checked_form, officer_or_none, render, services
from desk.app.ports import ServiceDown, ServiceRefused

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only a path of this site: never //host or /\\host, which browsers read as another site."""
    return (
        target
        if target and target.startswith("/") and not target.startswith(("//", "/\\"))
        else "/"
    )


@router.get("/")
async def home(request: Request) -> Response:
    officer = officer_or_none(request)
    if officer is None:
        return RedirectResponse("/dang-nhap", status_code=303)
    return RedirectResponse(
        "/lanh-dao" if officer.roles == ["leader"] else "/ho-so", status_code=303
    )


@router.get("/dang-nhap")
async def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", next=_safe_next(next), error=None, username="")


@router.post("/dang-nhap")
async def login(request: Request) -> Response:
    form = await checked_form(request)
    username, password = str(form.get("username") or ""), str(form.get("password") or "")
    target = _safe_next(str(form.get("next") or "/"))
    try:
        answer = await services(request).intake.post(
            "/api/v1/auth/login", None, {"username": username.strip(), "password": password}
        )
    except ServiceRefused as exc:
        return render(
            request,
            "login.html",
            status_code=exc.status if exc.status in (401, 403, 423) else 400,
            next=target,
            error=exc.message,
            username=username,
        )
    except ServiceDown:
        return render(
            request,
            "login.html",
            status_code=503,
            next=target,
            username=username,
            error="Hệ thống tiếp nhận (intake) không trả lời, vui lòng thử lại sau",
        )
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        answer["access_token"],
        max_age=int(answer["expires_in"]),
        httponly=True,
        samesite="lax",
        secure=services(request).settings.cookie_secure,
        path="/",
    )
    return response


@router.post("/dang-xuat")
async def logout(request: Request) -> Response:
    await checked_form(request)
    response = RedirectResponse("/dang-nhap", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
