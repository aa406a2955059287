"""The apology journey, run by test_journeys.py with the other journeys' system: a dossier at Cờ
Đỏ (31261, another province) received weeks ago on a shifted clock (libfaketime moves the whole
system's clock, System.shift_clock), an apology with a new date before the due date (form 04,
Circular 03/2025/TT-VPCP), then resolved today: late, and late it stays in the figures although
the apology moved the date; it was on the overdue list until resolved."""

from datetime import UTC, date, datetime, timedelta

from .journey_kit import (
    LEDGER,
    VN,
    Citizen,
    Desk,
    Reports,
    answer_on_page,
    eventually,
    expect_figures,
    expect_inbox,
    local_day,
    one_stop_row,
    survey_link,
    timeliness,
    today,
    zns_date,
)


def a_past_receipt(desk: Desk, procedure: str) -> timedelta:
    """How far back to receive a dossier so that it was due at least two days before today (the
    unit's calendar decides: holidays may stretch a time limit)."""
    for days in (14, 21, 30, 45, 60):
        quote = desk.http.get(
            "/api/v1/calendar/due-date",
            params={
                "unit": desk.unit,
                "procedure": procedure,
                "received_at": (datetime.now(UTC) - timedelta(days=days)).isoformat(),
            },
        ).json()
        if date.fromisoformat(quote["due_date"]) < today() - timedelta(days=2):
            return timedelta(days=days)
    raise AssertionError("no receipt date found that is overdue now")


def apology_journey(system) -> None:
    """Received weeks ago (the whole system's clock shifted back), an apology with a new date
    before the due date, then resolved today: late, and late it stays in the figures although the
    apology moved the date; it was on the overdue list until resolved."""
    desk = Desk(system, "31261")
    citizen = Citizen("Trương Văn Khoa", "0703 777 888", "092088007788")
    back = a_past_receipt(desk, "2.001035")
    system.shift_clock(-back)
    try:
        dossier = desk.receive("2.001035", citizen)
        code, due = dossier["code"], local_day(dossier["due_at"])
        desk.hand_over(code)
        new_due = date.fromisoformat(
            desk.http.get(
                "/api/v1/calendar/due-date",
                params={
                    "unit": "31261",
                    "procedure": "2.001035",
                    "received_at": datetime.combine(
                        due, datetime.min.time().replace(hour=9), VN
                    ).isoformat(),
                },
            ).json()["due_date"]
        )
        apologised = desk.act(
            code,
            "apologise",
            {"new_due_date": new_due.isoformat(), "reason": "Chờ xác minh của cơ quan đất đai"},
            role="specialist",
        )
        assert local_day(apologised["due_at"]) == new_due
        expect_inbox(system, citizen, [("zalo", "received"), ("zalo", "apology")], code)
    finally:
        system.shift_clock(timedelta(0))
    received_day = local_day(dossier["received_at"])
    assert due < today() - timedelta(days=1)

    reports = Reports(system, "31261")
    overdue = eventually(
        lambda: (lambda ds: ds if any(d["apologised"] for d in ds) else None)(
            reports.http.get("/api/v1/reports/overdue", params={"unit": "31261"}).json()["dossiers"]
        ),
        what="the apologised dossier on the overdue list",
    )
    assert [
        (d["code"], local_day(d["due_at"]), local_day(d["due_at_in_force"]), d["days_late"])
        for d in overdue
    ] == [(code, due, new_due, (today() - due).days)]
    # The day after the due day it was carried over and overdue; on its receipt day, within time.
    after_due = due + timedelta(days=1)
    assert reports.rows("one-stop", {"unit": "31261"}, after_due, after_due)[
        "2.001035"
    ] == one_stop_row({"carried_over": 1, "in_progress_overdue": 1})
    assert reports.rows("one-stop", {"unit": "31261"}, received_day, received_day)[
        "2.001035"
    ] == one_stop_row({"received_direct": 1})

    resolved = desk.resolve(code)
    assert timeliness(resolved) == "resolved_late"
    desk.give_back(code)
    got = expect_inbox(
        system,
        citizen,
        [
            ("zalo", "received"),
            ("zalo", "apology"),
            ("zalo", "result_ready_at_desk"),
            ("zalo", "survey_opened"),
        ],
        code,
    )
    assert got[0]["template_data"]["ngay_hen"] == zns_date(due)
    assert got[1]["template_data"]["ngay_hen_moi"] == zns_date(new_due)
    answer_on_page(survey_link(got[3]), "unsatisfied", "Trễ hẹn")
    LEDGER.surveyed[code] = "unsatisfied"
    expect_figures(
        system,
        "31261",
        "2.001035",
        received_day,
        {"received_direct": 1, "resolved_late": 1},
        {"unsatisfied": 1},
    )
    eventually(
        lambda: (
            reports.http.get("/api/v1/reports/overdue", params={"unit": "31261"}).json()["dossiers"]
            == []
        ),
        what="the overdue list empty once resolved",
    )
