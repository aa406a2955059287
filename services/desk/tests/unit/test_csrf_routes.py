"""Every form post of the desk is refused without its CSRF token (403, Vietnamese), before any
service is asked; with a token from another browser's cookie too. The app's own routes are
enumerated, so a new form cannot forget the check."""

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from motcua_shared.web.auth import mint_token

from desk.api.deps import CSRF_COOKIE, SESSION_COOKIE
from desk.domain import csrf
from desk.main import PAGES, create_app
from desk.settings import DeskSettings

SECRET = "desk-unit-test-secret-0123456789-0123456789"
# Nothing answers here: a post that got past the CSRF check would fail with 503, not 403.
SETTINGS = DeskSettings(
    jwt_secret=SECRET,
    intake_url="http://127.0.0.1:9",
    reporting_url="http://127.0.0.1:9",
    survey_url="http://127.0.0.1:9",
)


def post_paths() -> list[str]:
    paths = []
    for route in (route for module in PAGES for route in module.router.routes):
        if isinstance(route, APIRoute) and "POST" in route.methods:
            paths.append(
                route.path.replace("{code}", "26734-261202-0001")
                .replace("{action}", "withdraw")
                .replace("{username}", "cv01")
                .replace("{change}", "khoa")
            )
    return paths


@pytest.mark.parametrize("path", post_paths())
def test_a_post_without_its_token_is_refused(path):
    with TestClient(create_app(SETTINGS), follow_redirects=False) as client:
        token = mint_token(SECRET, "admin01", "26734", ["desk", "specialist", "leader", "admin"])
        client.cookies.set(SESSION_COOKIE, token)
        client.get("/tra-cuu/x")  # gets the CSRF cookie, as a browser would
        missing = client.post(path, data={"phone_last4": "1234", "username": "x", "password": "y"})
        assert missing.status_code == 403, path
        assert "CSRF" in missing.text and "Yêu cầu bị từ chối" in missing.text
        forged = client.post(path, data={"csrf_token": csrf.form_token(SECRET, "another-browser")})
        assert forged.status_code == 403, path


def test_a_post_with_its_token_goes_through_the_check():
    with TestClient(create_app(SETTINGS), follow_redirects=False) as client:
        client.get("/tra-cuu/x")
        token = csrf.form_token(SECRET, client.cookies[CSRF_COOKIE])
        answer = client.post("/tra-cuu/x", data={"csrf_token": token, "phone_last4": "1234"})
        assert answer.status_code == 503  # past the check: intake (nothing listening) was asked


def test_pages_without_a_session_go_to_login_and_cookies_are_httponly():
    with TestClient(create_app(SETTINGS), follow_redirects=False) as client:
        answer = client.get("/ho-so?ds=overdue")
        assert (
            answer.status_code == 303
            and answer.headers["location"] == "/dang-nhap?next=%2Fho-so%3Fds%3Doverdue"
        )
    with TestClient(create_app(SETTINGS), follow_redirects=False) as client:
        cookie = client.get("/dang-nhap").headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_operations_routes_answer_like_every_service():
    with TestClient(create_app(SETTINGS)) as client:
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")  # intake is not running here
        assert ready.status_code == 503 and ready.json()["checks"]["intake"]["status"] == "down"
        client.get("/dang-nhap")
        assert (
            'motcua_http_requests_total{method="GET",route="/dang-nhap",status="200"}'
            in client.get("/metrics").text
        )


def test_login_goes_back_only_to_a_path_of_this_site():
    from desk.api.auth_pages import _safe_next

    assert _safe_next("/ho-so?ds=overdue") == "/ho-so?ds=overdue"
    for target in ("https://evil.example", "//evil.example", "/\\evil.example", None, ""):
        assert _safe_next(target) == "/"
