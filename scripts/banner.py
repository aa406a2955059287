"""Wait until every service answers, then print where everything is, the demo accounts of the
desk web app (demo data: their password is printed) and short-lived demo tokens."""

import os
import signal
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx

from motcua_shared.config.settings import CommonSettings, own_mongodb_url_setting
from motcua_shared.storage.embedded_mongo import SERVICES as EMBEDDED_SERVICES
from motcua_shared.web.auth import mint_token

from intake.adapters.seed import demo_officers
from intake.settings import IntakeSettings

SERVICES = {
    "intake (desk API)": "http://127.0.0.1:8001",
    "notify": "http://127.0.0.1:8002",
    "survey": "http://127.0.0.1:8003",
    "reporting": "http://127.0.0.1:8004",
}
DESK = "http://127.0.0.1:8005"
SANDBOX = "http://127.0.0.1:8010"
PAYMENT_SANDBOX = "http://127.0.0.1:8011"
TOKEN_HOURS = 1


def wait(url: str, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(1)
    return False


def demo_unit() -> str | None:
    try:
        units = httpx.get(SERVICES["intake (desk API)"] + "/api/v1/units", timeout=5).json()
    except Exception:
        return None
    items = units.get("units", units) if isinstance(units, dict) else units
    communes = [u for u in items if u.get("level") != "province"] or items
    return communes[0]["code"] if communes else None


def mongo_lines() -> list[str]:
    """Where each service's database is: one server for all (MONGODB_URL), or its own."""
    shared = os.environ.get("MONGODB_URL", "")
    own = {s: os.environ.get(own_mongodb_url_setting(s)) or shared for s in EMBEDDED_SERVICES}
    if set(own.values()) == {shared}:
        return [f"  {'MongoDB':<18} {shared}"]
    return [f"  {'Mongo (' + s + ')':<18} {url}" for s, url in own.items()]


def main() -> None:
    lines = ["", "motcua is running (Ctrl-C stops everything):"]
    for name, base in SERVICES.items():
        ok = wait(base + "/openapi.json")
        lines.append(f"  {name:<18} {base}/docs {'' if ok else '(NOT ANSWERING)'}")
    desk_ok = wait(DESK + "/healthz")
    lines.append(
        f"  {'desk web app':<18} {DESK}/  (officers log in "
        f"here){'' if desk_ok else ' (NOT ANSWERING)'}"
    )
    lines.append(f"  {'Zalo/SMS sandbox':<18} {SANDBOX}/  (messages citizens would get)")
    lines.append(
        f"  {'payment sandbox':<18} {PAYMENT_SANDBOX}/  (stands in for the payment gateway)"
    )
    lines += mongo_lines()
    lines.append(f"  {'RabbitMQ':<18} {os.environ.get('AMQP_URL', '').split('@')[-1]}")
    lines.append("  AsyncAPI document: docs/asyncapi.yaml")
    intake_settings = IntakeSettings()
    if intake_settings.seed_demo:
        lines.append(
            f"\nDemo accounts for {DESK}/dang-nhap (password: {intake_settings.demo_password}):"
        )
        for account in demo_officers():
            lines.append(
                f"  {account['username']:<8} {'/'.join(account['roles']):<11} đơn vị "
                f"{account['unit']}  "
                f"{account['full_name']}"
            )
    unit = demo_unit()
    if unit:
        settings = CommonSettings()
        # Short-lived: this output may end up in a log. More: .venv/bin/motcua-token (reads .data).
        lines.append(
            f"\nDemo tokens for unit {unit}, valid {TOKEN_HOURS} h (Authorization: Bearer "
            "…; more with "
            f".venv/bin/motcua-token --sub desk01 --unit {unit} --roles desk):"
        )
        for sub, roles in (
            ("desk01", ["desk"]),
            ("cv01", ["specialist"]),
            ("ld01", ["leader"]),
            ("admin01", ["admin"]),
        ):
            lines.append(
                f"  {roles[0]:<10} "
                f"{mint_token(settings.jwt_secret, sub, unit, roles, hours=TOKEN_HOURS)}"
            )
    hour = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).hour
    if hour >= 21 or hour < 7:
        lines.append(
            "\nIt is night in Vietnam: notify holds citizens' messages until 07:00 (quiet hours). "
            "For a night demo: NOTIFY_QUIET_START=00:00 NOTIFY_QUIET_END=00:00 scripts/run.sh"
        )
    print("\n".join(lines), flush=True)
    signal.pause()  # stay up: honcho stops everything when any process exits


if __name__ == "__main__":
    main()
