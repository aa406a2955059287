"""Feedback that gets an answer (phản ánh, kiến nghị), through the real processes over HTTP.

An unhappy survey answer, given weeks ago (the whole system's clock shifted back with
libfaketime), opens a follow-up for the unit's leader due in 10 working days; back at real time
it is overdue, the leader records what was done, and the citizen is told by Zalo. A suggestion
with a phone and consent, answered at once, is on time; an anonymous one opens nothing.
Reporting counts both per unit: received 2, on time 1, late 1. The contacts are gone afterwards.
"""

from datetime import timedelta

import httpx
import pytest

from motcua_shared.vietnam.working_days import WorkingCalendar

from .journey_kit import (
    Citizen,
    Desk,
    Reports,
    answer_on_page,
    eventually,
    inbox,
    local_day,
    survey_link,
    today,
    zns_date,
)

pytestmark = pytest.mark.e2e

UNIT = "26956"  # UBND phường Bình Lợi Trung
BACK = timedelta(
    days=35
)  # ≥ 16 working days whatever the holidays: a 10-working-day deadline has passed


# Survey links open longer than the clock goes back. The Mongo server is not on the shifted
# clock: its TTL monitor would delete the contact kept beside a survey opened 35 days ago and
# expiring 7 days later at its next sweep (every 60 s), and whether the unhappy answer came
# before that sweep would decide whether the citizen is told.
SYSTEM_SETTINGS = {"SURVEY_EXPIRY_DAYS": str(BACK.days + 30)}


def expect_inbox(
    system, citizen: Citizen, expected: list[tuple[str, str]], code: str
) -> list[dict]:
    """Exactly these (channel, kind), in order, about `code`. This module runs its own system, so
    unlike journey_kit's it writes nothing into the ledger test_journeys.py totals."""
    got = eventually(
        lambda: (lambda ms: ms if len(ms) >= len(expected) else None)(inbox(system, citizen)),
        what=f"{len(expected)} messages to {citizen.name}",
    )
    assert [(m["channel"], m["kind"]) for m in got] == expected
    assert all(citizen.name not in str(m) and citizen.cccd not in str(m) for m in got)
    assert all(
        m["template_data"].get("ma_ho_so", code) == code for m in got if m["channel"] == "zalo"
    )
    return got


def _follow_ups(system, status: str = "open") -> list[dict]:
    answer = httpx.get(
        f"{system.urls['survey']}/api/v1/units/{UNIT}/follow-ups",
        params={"status": status},
        headers=system.token("ld01", UNIT, "leader"),
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["follow_ups"]


def _respond(system, follow_up_id: str, action: str) -> httpx.Response:
    return httpx.post(
        f"{system.urls['survey']}/api/v1/units/{UNIT}/follow-ups/{follow_up_id}/response",
        json={"action": action},
        headers=system.token("ld01", UNIT, "leader"),
        timeout=10,
    )


def test_an_unhappy_answer_is_followed_up_late_and_the_citizen_is_told(system):
    desk = Desk(system, UNIT)
    citizen = Citizen("Lê Thị Hoa", "0977 456 123", "079190004561")
    system.shift_clock(-BACK)
    try:
        dossier = desk.receive("1.000489", citizen)
        code = dossier["code"]
        desk.hand_over(code)
        desk.resolve(code)
        desk.give_back(code)
        got = expect_inbox(
            system,
            citizen,
            [("zalo", "received"), ("zalo", "result_ready_at_desk"), ("zalo", "survey_opened")],
            code,
        )
        answer_on_page(
            survey_link(got[2]), "unsatisfied", "Phải đi lại nhiều lần mới nhận được kết quả"
        )
        opened = eventually(
            lambda: [f for f in _follow_ups(system) if f["dossier_code"] == code],
            what="the follow-up of the unhappy answer",
        )[0]
        assert opened["feedback"] == "Phải đi lại nhiều lần mới nhận được kết quả"
        assert opened["tells_citizen"] is True and opened["overdue"] is False
        opened_day = local_day(opened["opened_at"])
        assert opened_day in (
            today() - BACK,
            today() - BACK - timedelta(days=1),
        )  # midnight may just have passed
        assert local_day(opened["due_at"]) == WorkingCalendar().add_working_days(
            opened_day, 10
        )  # the default
    finally:
        system.shift_clock(timedelta(0))

    overdue = eventually(
        lambda: [f for f in _follow_ups(system) if f["dossier_code"] == code and f["overdue"]],
        what="the follow-up overdue at real time",
    )[0]
    assert inbox(system, citizen)[3:] == []  # nobody told before the leader answers
    bad = _respond(system, overdue["follow_up_id"], "   ")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "action"
    done = _respond(
        system, overdue["follow_up_id"], "Đã kiểm điểm cán bộ và gọi điện xin lỗi công dân"
    )
    assert done.status_code == 201, done.text
    assert done.json()["answered_on_time"] is False and done.json()["answered_by"] == "ld01"
    assert _respond(system, overdue["follow_up_id"], "lần hai").status_code == 409

    told = expect_inbox(
        system,
        citizen,
        [
            ("zalo", "received"),
            ("zalo", "result_ready_at_desk"),
            ("zalo", "survey_opened"),
            ("zalo", "feedback_answered"),
        ],
        code,
    )
    assert told[3]["template_data"]["ngay_phan_anh"] == zns_date(opened_day)
    assert told[3]["template_data"]["ve_viec"] == f"hồ sơ {code}"

    # A suggestion with a phone and consent, answered at once: on time. An anonymous note: no
    # follow-up.
    writer = Citizen("Người góp ý", "0966 789 012", "000000000000")
    box = f"{system.urls['survey']}/hop-thu/{UNIT}"
    assert httpx.post(box, data={"text": "Cần thêm ghế chờ"}, timeout=10).status_code == 200
    assert (
        httpx.post(
            box,
            data={"text": "Xin lắp quạt ở khu chờ", "contact": writer.phone, "consent": "true"},
            timeout=10,
        ).status_code
        == 200
    )
    note = eventually(
        lambda: [f for f in _follow_ups(system) if f["source"] == "suggestion"],
        what="the suggestion's follow-up",
    )
    assert [f["feedback"] for f in note] == ["Xin lắp quạt ở khu chờ"]
    done = _respond(system, note[0]["follow_up_id"], "Đã lắp 4 quạt trần")
    assert done.status_code == 201 and done.json()["answered_on_time"] is True
    heard = eventually(lambda: inbox(system, writer), what="the suggestion's writer told")
    assert [m["kind"] for m in heard] == ["feedback_answered"]
    notes = httpx.get(
        f"{system.urls['survey']}/api/v1/units/{UNIT}/suggestions",
        headers=system.token("ld01", UNIT, "leader"),
        timeout=10,
    ).json()["suggestions"]
    assert all(n["contact"] is None for n in notes)  # told: the phone is no longer kept

    reports = Reports(system, UNIT)

    def counted():
        body = reports.get("feedback", {"unit": UNIT}, opened_day, today(), "unit")
        total = body["total"]
        return (
            body
            if (total["received"], total["answered_on_time"], total["answered_late"]) == (2, 1, 1)
            else None
        )

    body = eventually(counted, what="reporting's feedback counts")
    assert [(r["key"], r["open"], r["on_time_rate"]) for r in body["rows"]] == [(UNIT, 0, 0.5)]
    indicators = reports.get("indicators", {"unit": UNIT}, opened_day, today(), "unit")["total"]
    assert (indicators["feedback_received"], indicators["feedback_on_time_rate"]) == (2, 0.5)
