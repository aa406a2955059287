"""Citizens' whole journeys through the four services as real processes (honcho, the root
Procfile), driven over intake's HTTP API as the desk, the specialist and the leader would.

Each journey asserts what the citizen received from the sandbox gateway (every message once, in
order, on the right channel), the survey that opened and its answer (a second one refused), and
the one-stop and satisfaction figures of its own procedure row, exactly. Each journey writes
what it expects into LEDGER; the last test checks the units' and provinces' totals against the
sum, that surveys opened for exactly the returned, approved dossiers, that nobody got a message
twice, and that a rebuild from the event logs gives the same figures.

Units: Tân Định (26734) desk return and supplements; Bình Thạnh (26929) return at home and the
linked birth registration; Bình Lợi Trung (26956) withdrawal and refusals; Cờ Đỏ (31261, another
province) the apology and late return, received weeks ago on a shifted clock. The apology and the
deadline journeys' steps are in apology_journey.py and deadline_journey.py, what the last test
reads back in journey_totals.py: one module, so every journey and the totals share one system.
"""

import re
from collections import Counter
from datetime import date

import httpx
import pytest

from .apology_journey import apology_journey
from .deadline_journey import deadline_journey
from .journey_kit import (
    LEDGER,
    PROVINCE,
    Citizen,
    Desk,
    answer_on_page,
    expect_figures,
    expect_inbox,
    inbox,
    kiosk,
    local_day,
    one_stop_row,
    satisfaction_row,
    survey_link,
    timeliness,
    today,
    zns_date,
)
from .journey_totals import figures_snapshot, survey_events

pytestmark = pytest.mark.e2e


# ================================================================ journeys


def test_received_resolved_and_returned_at_the_desk(system):
    """Zalo all the way: received → result ready → returned → survey link → answered on the page."""
    desk, citizen = Desk(system, "26734"), Citizen("Trần Thị Bình", "0912 345 678", "079203001234")
    dossier = desk.receive("1.000489", citizen)  # hộ nghèo, 7 working days
    code = dossier["code"]
    assert re.fullmatch(r"26734-\d{6}-\d{4}", code) and dossier["status"] == "received"
    desk.hand_over(code)
    resolved = desk.resolve(code)
    desk.give_back(code)

    inbox_ = expect_inbox(
        system,
        citizen,
        [("zalo", "received"), ("zalo", "result_ready_at_desk"), ("zalo", "survey_opened")],
        code,
    )
    assert inbox_[0]["template_data"]["ngay_hen"] == zns_date(local_day(dossier["due_at"]))
    answer_on_page(survey_link(inbox_[2]), "very_satisfied", "Cán bộ tận tình")
    assert kiosk(system, "26734", code, "satisfied").status_code == 409
    LEDGER.surveyed[code] = "very_satisfied"

    month = today().strftime("%Y-%m")
    comments = httpx.get(
        f"{system.urls['survey']}/api/v1/units/26734/comments",
        params={"month": month},
        headers=system.token("ld01", "26734", "leader"),
        timeout=10,
    ).json()
    assert "Cán bộ tận tình" in str(comments)
    expect_figures(
        system,
        "26734",
        "1.000489",
        local_day(dossier["received_at"]),
        {"received_direct": 1, timeliness(resolved): 1},
        {"very_satisfied": 1},
    )


def test_supplements_at_the_desk_and_in_processing_by_sms(system):
    """A citizen without Zalo: every message falls back to SMS. Papers missing at the desk, then
    more asked during processing; received once; the desk keys the survey answer at the kiosk."""
    citizen = Citizen("Lê Văn Cường", "0987 654 321", "079090001122")
    set_behaviour = httpx.put(
        f"{system.urls['sandbox']}/_sandbox/behaviours/{citizen.provider_phone}",
        json={"zalo_error": -118},
        timeout=10,
    )  # "Zalo account not existed"
    assert set_behaviour.status_code == 200
    desk = Desk(system, "26734")
    dossier = desk.receive(
        "1.001699",
        citizen,
        check="incomplete",
        missing_papers=["Giấy xác nhận khuyết tật cũ"],
        reason="Thiếu giấy tờ",
    )
    code = dossier["code"]
    assert dossier["status"] == "awaiting_papers"
    assert desk.act(code, "supply-papers", {})["status"] == "received"
    desk.hand_over(code)
    asked = desk.act(
        code,
        "request-supplement",
        {"missing_papers": ["Bản sao giấy tờ y tế"], "reason": "Cần xác minh mức độ khuyết tật"},
        role="specialist",
    )
    assert asked["status"] == "supplement_requested"
    supplied = desk.act(code, "supply-papers", {})
    assert supplied["status"] == "in_progress"
    resolved = desk.resolve(code)
    desk.give_back(code)

    got = expect_inbox(
        system,
        citizen,
        [
            ("sms", "supplement_at_desk"),
            ("sms", "received"),
            ("sms", "supplement_in_processing"),
            ("sms", "result_ready_at_desk"),
            ("sms", "survey_opened"),
        ],
        code,
    )
    assert all(m["sms_parts"] == 1 and m["text"].isascii() for m in got)
    attempts = httpx.get(system.urls["sandbox"] + "/_sandbox/attempts", timeout=10).json()
    zalo_tries = [
        a for a in attempts if a["phone"] == citizen.provider_phone and a["channel"] == "zalo"
    ]
    assert len(zalo_tries) == 5 and not any(
        a["accepted"] for a in zalo_tries
    )  # Zalo first, each time

    recorded = kiosk(system, "26734", code, "satisfied")
    assert recorded.status_code == 201, recorded.text
    assert kiosk(system, "26734", code, "very_satisfied").status_code == 409
    assert (
        httpx.post(survey_link(got[4]), data={"level": "unsatisfied"}, timeout=10).status_code
        == 409
    )
    LEDGER.surveyed[code] = "satisfied"
    expect_figures(
        system,
        "26734",
        "1.001699",
        local_day(supplied["received_at"]),
        {"received_direct": 1, timeliness(resolved): 1},
        {"satisfied": 1},
    )


def test_result_returned_at_home(system):
    """Home service in Bình Thạnh: the result goes back on the unit's visit day."""
    desk = Desk(system, "26929")
    citizen = Citizen(
        "Nguyễn Văn An", "0903 111 222", "079045000111", address="12 Nơ Trang Long, Bình Thạnh"
    )
    dossier = desk.receive("1.004227", citizen, home_service=True, channel="postal")
    code = dossier["code"]
    desk.hand_over(code)
    resolved = desk.resolve(code)
    visit = desk.act(code, "home-visit", {"purpose": "return"})["home_visits"][-1]
    returned = desk.give_back(code, "at_home")
    assert returned["return_method"] == "at_home"

    got = expect_inbox(
        system,
        citizen,
        [("zalo", "received"), ("zalo", "home_visit_return"), ("zalo", "survey_opened")],
        code,
    )
    assert got[1]["template_data"]["ngay_den"] == zns_date(date.fromisoformat(visit["visit_date"]))
    answer_on_page(survey_link(got[2]), "satisfied")
    LEDGER.surveyed[code] = "satisfied"
    expect_figures(
        system,
        "26929",
        "1.004227",
        local_day(dossier["received_at"]),
        {"received_postal": 1, timeliness(resolved): 1},
        {"satisfied": 1},
    )


def test_withdrawn_before_resolution(system):
    """Withdrawal: no message after the slip, nothing more allowed, never surveyed."""
    desk = Desk(system, "26956")
    citizen = Citizen("Phạm Thị Dung", "0938 222 333", "079180002233")
    dossier = desk.receive("1.000748", citizen)
    code = dossier["code"]
    desk.hand_over(code)
    withdrawn = desk.act(code, "withdraw", {"reason": "Công dân xin rút hồ sơ"})
    assert withdrawn["status"] == "withdrawn"
    refused = desk.post(code, "resolve", {"outcome": "approved"}, role="specialist")
    assert refused.status_code == 409 and refused.json()["current_status"] == "withdrawn"
    assert kiosk(system, "26956", code, "satisfied").status_code == 404

    expect_inbox(system, citizen, [("zalo", "received")], code)
    LEDGER.not_surveyed.add(code)
    expect_figures(
        system,
        "26956",
        "1.000748",
        local_day(dossier["received_at"]),
        {"received_direct": 1, "withdrawn": 1},
    )


def test_refused_at_the_desk_and_refused_after_processing(system):
    """Two refusals, neither surveyed: one at the desk (never received), one resolved as refused
    and returned. A third citizen's approved dossier, returned after them, is surveyed: once its
    link arrives, survey has consumed the refused return before it (one queue, in order)."""
    desk = Desk(system, "26956")
    at_desk = Citizen("Hoàng Văn Em", "0976 333 444", "079085003344")
    refused_here = desk.receive(
        "2.001016", at_desk, check="ineligible", reason="Không thuộc thẩm quyền cấp xã"
    )
    assert refused_here["status"] == "refused_at_desk"

    processed = Citizen("Võ Thị Giang", "0868 444 555", "079190004455")
    dossier = desk.receive("1.001653", processed)
    code = dossier["code"]
    desk.hand_over(code)
    resolved = desk.resolve(code, "refused", "Không đủ điều kiện xác định lại mức độ khuyết tật")
    desk.give_back(code)

    control = Citizen("Đặng Văn Hùng", "0945 555 666", "079095005566")
    approved = desk.receive("2.001035", control)
    desk.hand_over(approved["code"])
    approved_resolved = desk.resolve(approved["code"])
    desk.give_back(approved["code"])

    expect_inbox(system, at_desk, [("zalo", "refused_at_desk")])
    control_inbox = expect_inbox(
        system,
        control,
        [("zalo", "received"), ("zalo", "result_ready_at_desk"), ("zalo", "survey_opened")],
        approved["code"],
    )
    expect_inbox(system, processed, [("zalo", "received"), ("zalo", "result_ready_at_desk")], code)
    assert kiosk(system, "26956", code, "satisfied").status_code == 404  # no survey for a refusal
    assert kiosk(system, "26956", refused_here["code"], "satisfied").status_code == 404
    answer_on_page(survey_link(control_inbox[2]), "very_satisfied")
    LEDGER.surveyed[approved["code"]] = "very_satisfied"
    LEDGER.not_surveyed |= {code, refused_here["code"]}

    start = local_day(refused_here["submitted_at"])
    expect_figures(system, "26956", "2.001016", start, {"refused_at_desk": 1})
    expect_figures(
        system,
        "26956",
        "1.001653",
        start,
        {"received_direct": 1, timeliness(resolved): 1, "resolved_refused": 1},
    )
    expect_figures(
        system,
        "26956",
        "2.001035",
        start,
        {"received_direct": 1, timeliness(approved_resolved): 1},
        {"very_satisfied": 1},
    )


def test_linked_birth_registration(system):
    """'3 trong 1' received online: each agency resolves its task, the last resolves the dossier;
    the family gets the congratulations and one survey, for the dossier (not its tasks)."""
    desk = Desk(system, "26929")
    citizen = Citizen("Bùi Thị Lan", "0356 666 777", "079195006677")
    dossier = desk.receive("LT-KS-TT-BHYT", citizen, channel="online")
    code = dossier["code"]
    assert sorted(t["agency"] for t in dossier["tasks"]) == ["bhxh", "cong-an", "tu-phap"]
    assert desk.post(code, "resolve", {"outcome": "approved"}, role="specialist").status_code == 409
    for agency in ("tu-phap", "cong-an"):
        partial = desk.act(
            code, f"tasks/{agency}/resolve", {"outcome": "approved"}, role="specialist"
        )
        assert partial["status"] != "resolved"
    resolved = desk.act(code, "tasks/bhxh/resolve", {"outcome": "approved"}, role="specialist")
    assert resolved["status"] == "resolved" and resolved["outcome"] == "approved"
    desk.give_back(code)

    got = expect_inbox(
        system,
        citizen,
        [
            ("zalo", "received"),
            ("zalo", "result_ready_at_desk"),
            ("zalo", "congratulations_birth"),
            ("zalo", "survey_opened"),
        ],
        code,
    )
    answer_on_page(survey_link(got[3]), "very_satisfied", "Nhanh gọn, không phải đi nhiều nơi")
    LEDGER.surveyed[code] = "very_satisfied"
    expect_figures(
        system,
        "26929",
        "LT-KS-TT-BHYT",
        local_day(dossier["received_at"]),
        {"received_online": 1, timeliness(resolved): 1},
        {"very_satisfied": 1},
    )


def test_apology_and_late_return(system):
    """Received weeks ago (the whole system's clock shifted back), an apology with a new date
    before the due date, then resolved today: late, and late it stays in the figures although the
    apology moved the date; it was on the overdue list until resolved."""
    apology_journey(system)


def test_deadline_warned_apologised_in_time_second_refused_and_late(system):
    """Issue 11's journey (tests/e2e/deadline_journey.py): due-soon e-mail to the holder, apology
    in time, a second apology refused, overdue e-mails to holder and leader, returned and
    counted late."""
    deadline_journey(system)


# ================================================================ the whole run


def test_totals_surveys_and_messages_across_every_journey(system):
    """Whatever journeys ran: the totals per unit and per province are the sums of what each
    did; surveys opened for exactly the returned, approved dossiers, with their answers; every
    citizen still has each message once; a rebuild from the event logs gives the same figures."""
    if not LEDGER.counts:
        pytest.skip("no journey ran")
    for citizen, expected in LEDGER.inboxes.items():
        assert [(m["channel"], m["kind"]) for m in inbox(system, citizen)] == expected, citizen.name

    events = survey_events(system)
    opened = Counter(
        e["payload"]["dossier_code"] for e in events if e["event_type"] == "survey.opened"
    )
    answered = {
        e["payload"]["dossier_code"]: e["payload"]["level"]
        for e in events
        if e["event_type"] == "survey.answered"
    }
    assert set(opened) == set(LEDGER.surveyed) and set(opened.values()) == {1}
    assert answered == LEDGER.surveyed
    assert not LEDGER.not_surveyed & set(opened)

    keys = {}
    for province in sorted({PROVINCE[u] for u in LEDGER.counts}):
        created = system.run(
            "reporting-apikey", "create", "--name", f"e2e {province}", "--province", province
        )
        assert created.returncode == 0, created.stderr
        keys[province] = re.search(r"X-API-Key: (\S+)", created.stdout).group(1)

    def expected_totals(units: list[str]) -> tuple[dict, dict]:
        counts, levels = Counter(), Counter()
        for unit in units:
            counts.update(LEDGER.counts[unit])
            levels.update(LEDGER.levels[unit])
        return one_stop_row(counts), satisfaction_row(levels)

    snapshot = figures_snapshot(system, keys)  # every journey waited for its own figures
    for unit in LEDGER.counts:
        one_stop, satisfaction = snapshot[unit]
        assert (one_stop["total"], satisfaction["total"]) == expected_totals([unit]), unit
    for province in keys:
        units = [u for u in LEDGER.counts if PROVINCE[u] == province]
        one_stop, satisfaction = snapshot[province]
        assert (one_stop["total"], satisfaction["total"]) == expected_totals(units), province
        for unit in units:
            assert one_stop[unit] == expected_totals([unit])[0], (province, unit)

    rebuilt = system.run("reporting-rebuild")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert figures_snapshot(system, keys) == snapshot
