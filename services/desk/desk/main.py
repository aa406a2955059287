"""Entry point of the desk web app: the pages around what bootstrap.py wires (settings → HTTP
clients of intake, reporting and survey, kept on `app.state.services`). Server-rendered
(Jinja2, htmx for the small live parts, no front-end build). Every response gets the CSRF
cookie when the browser has none; a form post without its token is
refused (403, Vietnamese); a page without a session sends the officer to the login page.
/healthz, /readyz and /metrics come from motcua_shared.ops.operations, as in every service.
`run()` (console script `desk-service`) serves it with uvicorn on settings.port (8005)."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.base import RequestResponseEndpoint

from motcua_shared.ops.logs import configure_logging
from motcua_shared.ops.operations import Operations
from motcua_shared.ops.secrets_check import refuse_weak_secrets
from motcua_shared.web.api_errors import ApiError

from desk.api import auth_pages, dashboard, dossiers, lookup, officers, printing, receive
from desk.api.deps import CSRF_COOKIE, CsrfRefused, LoginRequired, render
from desk.app.ports import ServiceDown, ServiceRefused
from desk.bootstrap import bootstrap
from desk.domain import csrf
from desk.settings import DeskSettings

log = logging.getLogger("desk")
PACKAGE = Path(__file__).resolve().parent
# The front-end files, from services/desk/package-lock.json (installed by scripts/install.sh).
PAGES = (auth_pages, receive, dossiers, printing, dashboard, lookup, officers)
VENDOR = {
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
    "chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
}


def create_app(settings: DeskSettings | None = None) -> FastAPI:
    settings = settings or DeskSettings()
    ops = Operations("desk", settings)
    assets = Path(settings.assets_dir) if settings.assets_dir else PACKAGE.parent / "node_modules"

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        missing = [name for name, path in VENDOR.items() if not (assets / path).exists()]
        if missing:
            log.warning("front-end files missing (run scripts/install.sh): %s", ", ".join(missing))
        app.state.services = services = bootstrap(settings, ops)
        try:
            yield
        finally:
            await services.stop()

    app = FastAPI(
        title="motcua desk",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        description="Bộ phận Một cửa: ứng dụng web của cán bộ / the officers' web app",
    )
    ops.install(app)  # /healthz, /readyz (intake answers), /metrics (HTTP requests by route)

    @app.middleware("http")
    async def csrf_cookie(request: Request, call_next: RequestResponseEndpoint) -> Response:
        fresh = None if request.cookies.get(CSRF_COOKIE) else csrf.new_cookie_value()
        request.state.csrf_cookie = fresh
        response = await call_next(request)
        if fresh:
            response.set_cookie(
                CSRF_COOKIE,
                fresh,
                httponly=True,
                samesite="lax",
                secure=settings.cookie_secure,
                path="/",
            )
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/dang-nhap?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, _: CsrfRefused) -> Response:
        return render(
            request,
            "error.html",
            status_code=403,
            message="Yêu cầu bị từ chối: thiếu hoặc sai mã bảo vệ biểu mẫu (CSRF). "
            "Vui lòng tải lại trang rồi gửi lại.",
        )

    @app.exception_handler(ServiceRefused)
    async def refused(request: Request, exc: ServiceRefused) -> Response:
        if exc.status == 401:
            return await login_required(request, LoginRequired())
        return render(request, "error.html", status_code=exc.status, message=exc.message)

    @app.exception_handler(ServiceDown)
    async def down(request: Request, exc: ServiceDown) -> Response:
        return render(
            request,
            "error.html",
            status_code=503,
            message=f"Dịch vụ {exc.service} tạm thời không trả lời, vui lòng thử lại sau",
        )

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return render(request, "error.html", status_code=exc.status, message=exc.message_vi)

    @app.get("/static/vendor/{name}", include_in_schema=False)
    async def vendor(name: str) -> Response:
        if name not in VENDOR or not (assets / VENDOR[name]).exists():
            return Response(status_code=404)
        return FileResponse(
            assets / VENDOR[name],
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    app.mount("/static", StaticFiles(directory=PACKAGE / "static"), name="static")
    for module in PAGES:
        app.include_router(module.router)
    return app


def run() -> None:
    settings = DeskSettings()
    configure_logging("desk", settings.log_level)
    refuse_weak_secrets(settings, "desk")  # its CSRF tokens are keyed by JWT_SECRET
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None)


if __name__ == "__main__":
    run()
