"""A citizen's whole journey across the four services as real processes: received at the
desk → told by Zalo → resolved and returned → asked for satisfaction → answers on the survey
page → the province's reports count it, live and after a rebuild from the event logs."""

import re
import time
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import httpx
import pytest

pytestmark = pytest.mark.e2e

PHONE = "0912 345 678"
ZALO_PHONE = "84912345678"


def _eventually(check, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout}s: {result!r}")
        time.sleep(0.2)


def _messages(system, text: str) -> list[dict]:
    sent = httpx.get(system.urls["sandbox"] + "/_sandbox/messages").json()
    return [m for m in sent if m["phone"] == ZALO_PHONE and text in (m["text"] or "")]


def test_a_dossier_from_desk_to_report(system):
    intake = httpx.Client(base_url=system.urls["intake"], timeout=10)
    units = intake.get("/api/v1/units").json()
    unit = next(u for u in units if u.get("level") != "province")
    procedures = intake.get("/api/v1/procedures").json()
    procedure = next(p for p in procedures if not p.get("linked_tasks") and not p.get("civil_status_event"))
    desk = system.token("desk01", unit["code"], "desk")
    specialist = system.token("cv01", unit["code"], "specialist")
    leader = system.token("ld01", unit["code"], "leader")

    received = intake.post("/api/v1/dossiers", headers=desk, json={
        "procedure_code": procedure["code"], "desk_check": "complete", "channel": "direct",
        "citizen": {"full_name": "Trần Thị Bình", "cccd": "079203001234", "phone": PHONE,
                    "consent": True, "preferred_channel": "zalo"},
    })
    assert received.status_code == 201, received.text
    code = received.json()["code"]

    # The citizen hears of it on Zalo, with the code, and nothing of the dossier's other people.
    (zalo,) = _eventually(lambda: _messages(system, code))
    assert zalo["channel"] == "zalo"
    assert "Bình" not in zalo["text"] and "079203001234" not in str(zalo)

    for path, body, who in (
        ("hand-over", {"to_officer_id": "cv01", "step": "chuyen-mon"}, desk),
        ("resolve", {"outcome": "approved"}, specialist),
        ("return", {"method": "at_desk"}, desk),
    ):
        answer = intake.post(f"/api/v1/dossiers/{code}/{path}", headers=who, json=body)
        assert answer.status_code == 200, (path, answer.text)

    # Survey opens after the return; notify sends the link; the citizen answers on the page.
    survey_base = re.escape(system.urls["survey"])
    link_message = _eventually(lambda: [m for m in _messages(system, "") if re.search(survey_base + r"/s/\S+", m["text"])])
    link = re.search(survey_base + r"/s/[\w-]+", link_message[0]["text"]).group(0)
    page = httpx.get(link)
    assert page.status_code == 200 and "hài lòng" in page.text
    answered = httpx.post(link, data={"level": "very_satisfied", "comment": "Cán bộ tận tình"})
    assert answered.status_code == 200
    assert httpx.post(link, data={"level": "satisfied"}).status_code == 409
    month = datetime.now(timezone.utc).astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%Y-%m")
    comments = httpx.get(f"{system.urls['survey']}/api/v1/units/{unit['code']}/comments",
                         params={"month": month}, headers=leader).json()
    assert "Cán bộ tận tình" in str(comments)

    # Reporting counts it: received today, resolved early (before its due date), very satisfied.
    today = datetime.now(timezone.utc).astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    reporting = httpx.Client(base_url=system.urls["reporting"], headers=leader, timeout=10)
    period = {"unit": unit["code"], "from": today, "to": today}

    def one_stop_total():
        body = reporting.get("/api/v1/reports/one-stop", params=period).json()
        total = body["total"]
        return total if total["resolved_early"] == 1 else None

    total = _eventually(one_stop_total)
    def satisfaction_total():
        total = reporting.get("/api/v1/reports/satisfaction", params=period).json()["total"]
        return total if total["answers"] == 1 else None

    satisfaction = _eventually(satisfaction_total)
    assert satisfaction["very_satisfied"] == 1 and satisfaction["satisfied_rate"] == 1.0
    assert total["received_direct"] == 1 and total["received"] == 1 and total["in_progress"] == 0
    assert total["on_time_rate"] == 1.0 and total["withdrawn"] == 0

    # A rebuild from intake's and survey's event logs gives the same figures.
    rebuilt = system.run("reporting-rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert reporting.get("/api/v1/reports/one-stop", params=period).json()["total"] == total
    assert reporting.get("/api/v1/reports/satisfaction", params=period).json()["total"] == satisfaction
