"""The whole system as real processes (intake, notify, survey, reporting, desk, notify's sandbox;
the real broker and the Mongo-wire server) under the README's supervisor, driven through the
desk's pages in Debian's Chromium by Playwright (its own browser download does not work on these
machines). Screenshots go to tests/browser/screenshots/ (git-ignored) for a reviewer to look at."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from motcua_shared.testing.system import System, supervised_system
from motcua_shared.testing.waiting import TIMEOUT, eventually  # noqa: F401  (the tests import it from here)

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
AXE = Path(__file__).resolve().parents[2] / "services/desk/node_modules/axe-core/axe.min.js"
UNIT, OTHER_UNIT = "26734", "31261"
PASSWORD = "motcua-demo-2026"  # intake's default demo password (IntakeSettings.demo_password)


@pytest.fixture(scope="module")
def system(
    amqp_url: str, mongodb_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[System]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: scripts/install.sh installs it (apt-get install -y chromium)"
        )
    with supervised_system(
        amqp_url,
        mongodb_url,
        tmp_path_factory.mktemp("browser-logs"),
        INTAKE_DEMO_PASSWORD=PASSWORD,
    ) as system:
        yield system


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT * 1000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def login(page: Page, desk: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{desk}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def logout(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/dang-nhap")


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


def serious_violations(page: Page) -> list[dict]:
    """axe-core (services/desk/node_modules, from package-lock.json) on the page as it is."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def api(system: System, service: str, path: str, *who: str, **params) -> dict:
    sub, unit, *roles = who
    response = httpx.get(
        system.urls[service] + path,
        params=params,
        headers=system.token(sub, unit, *roles),
        timeout=30,
    )
    response.raise_for_status()
    return response.json()
