"""The deadline journey (issue 11), run by test_journeys.py with the other journeys' system:
a land-dispute mediation (2.001233, 30 working days; specialist step 20 days) at Cờ Đỏ received
weeks ago on a shifted clock; on the working day two days before its due date the specialist
holding it is e-mailed that it is due soon (and that the specialist step ran late); the apology
comes in time; a second one is refused (409); back at real time it is overdue, the holder and
the unit leader are e-mailed; it is resolved and returned late, and reporting counts it warned,
apologised in time, overdue and resolved late. Nothing test-only in the services: libfaketime
moves the whole system's clock (System.shift_clock) and intake's scheduler does the rest."""

from datetime import UTC, date, datetime, time, timedelta

import httpx
from pymongo import MongoClient

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
    survey_link,
    today,
    zns_date,
)

UNIT, PROCEDURE = "31261", "2.001233"
TWO_DAYS, SAME_DAY = (
    "2.001035",
    "2.000843",
)  # quoted to find working days through intake's own calendar
HOLDER, LEADER = "cv01", "ld01"  # Desk.ROLES: the specialist the desk hands over to, the leader


def _due(desk: Desk, procedure: str, received_at: datetime) -> date:
    answer = desk.http.get(
        "/api/v1/calendar/due-date",
        params={"unit": UNIT, "procedure": procedure, "received_at": received_at.isoformat()},
    )
    assert answer.status_code == 200, answer.text
    return date.fromisoformat(answer.json()["due_date"])


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), VN)


def _warning_day(desk: Desk, due: date) -> date:
    """The working day two working days before `due`: a 2-day procedure received on it that
    morning is due on `due` (a same-day quote tells working days from days off)."""
    for back in range(2, 12):
        day = due - timedelta(days=back)
        if _due(desk, SAME_DAY, _at(day, 9)) == day and _due(desk, TWO_DAYS, _at(day, 9)) == due:
            return day
    raise AssertionError(f"no warning day found before {due}")


def _officer_accounts(system) -> None:
    """The unit's officers as intake's `officers` accounts hold them (built by the desk app's
    account management; written here directly, as its seed would)."""
    with MongoClient(system.env["MONGODB_URL"]) as client:
        officers = client[system.db_name("intake")].officers
        for officer_id, roles in ((HOLDER, ["specialist"]), (LEADER, ["leader"])):
            officers.replace_one(
                {"_id": officer_id},
                {
                    "unit": UNIT,
                    "roles": roles,
                    "full_name": officer_id,
                    "email": f"{officer_id}@coddo.cantho.gov.vn",
                    "disabled": False,
                    "password_hash": "-",
                },
                upsert=True,
            )


def _emails(system, code: str) -> list[tuple[str, str]]:
    got = httpx.get(system.urls["sandbox"] + "/_sandbox/emails", timeout=10).json()
    return [
        (e["to"].split("@")[0], e["subject"].split("]")[0] + "]")
        for e in got
        if code in e["subject"]
    ]


def _shift_to(system, moment: datetime) -> None:
    """Whole seconds, as libfaketime's offset file holds them: tokens are then issued at exactly the
    services' time, never a fraction of a second in their future (which they refuse)."""
    system.shift_clock(timedelta(seconds=round((moment - datetime.now(UTC)).total_seconds())))


def deadline_journey(system) -> None:
    desk = Desk(system, UNIT)
    citizen = Citizen("Huỳnh Thị Mai", "0703 555 666", "092190005566")
    _officer_accounts(system)
    for back in (60, 75, 90, 120):  # received long enough ago that the new date is past too
        received_at = datetime.now(UTC) - timedelta(days=back)
        due = _due(desk, PROCEDURE, received_at)
        if due < today() - timedelta(days=10):
            break
    warning_day = _warning_day(desk, due)
    new_due = _due(
        desk, SAME_DAY, _at(due, 16)
    )  # after the cut-off: the next working day after `due`

    system.shift_clock(-timedelta(days=back))
    try:
        dossier = desk.receive(PROCEDURE, citizen)
        code = dossier["code"]
        assert local_day(dossier["due_at"]) == due
        desk.hand_over(code)  # to cv01, step chuyen-mon (20 working days)
        expect_inbox(system, citizen, [("zalo", "received")], code)

        _shift_to(system, _at(warning_day, 9))
        eventually(lambda: len(_emails(system, code)) >= 2, what="the due-soon e-mail")
        assert _emails(system, code) == [
            (HOLDER, "[Trễ bước xử lý chuyên môn]"),
            (HOLDER, "[Sắp đến hạn]"),
        ]
        apologised = desk.act(
            code,
            "apologise",
            {"new_due_date": new_due.isoformat(), "reason": "Chờ ý kiến của các bên tranh chấp"},
            role="specialist",
        )
        assert local_day(apologised["due_at"]) == new_due
        again = desk.post(
            code,
            "apologise",
            {"new_due_date": (new_due + timedelta(days=7)).isoformat(), "reason": "Lần hai"},
            role="specialist",
        )
        assert again.status_code == 409, again.text
        body = again.json()
        assert (
            body["error"] == "illegal_transition"
            and "một lần" in body["message"]
            and "once" in body["message_en"]
        )
        expect_inbox(system, citizen, [("zalo", "received"), ("zalo", "apology")], code)
    finally:
        system.shift_clock(timedelta(0))

    eventually(lambda: len(_emails(system, code)) >= 4, what="the overdue e-mails")
    assert _emails(system, code)[2:] == [(HOLDER, "[Quá hạn]"), (LEADER, "[Quá hạn]")]
    resolved = desk.resolve(code)
    assert local_day(resolved["resolved_at"]) > new_due > due
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
    assert got[1]["template_data"]["ngay_hen_moi"] == zns_date(new_due)
    answer_on_page(survey_link(got[3]), "satisfied", "Được báo trước khi trễ hẹn")
    LEDGER.surveyed[code] = "satisfied"
    received_day = local_day(dossier["received_at"])
    expect_figures(
        system,
        UNIT,
        PROCEDURE,
        received_day,
        {"received_direct": 1, "resolved_late": 1},
        {"satisfied": 1},
    )

    reports = Reports(system, UNIT)

    def deadline_row():  # type: ignore[no-untyped-def]
        body = reports.http.get(
            "/api/v1/reports/deadlines",
            params={
                "unit": UNIT,
                "from": received_day.isoformat(),
                "to": today().isoformat(),
                "group_by": "procedure",
            },
        ).json()
        row = next((r for r in body["rows"] if r["key"] == PROCEDURE), None)
        wanted = {"warned": 1, "apologised_in_time": 1, "went_overdue": 1, "resolved_late": 1}
        return row if row and {k: row[k] for k in wanted} == wanted else None

    eventually(
        deadline_row, what="warned, apologised in time, overdue and late in the deadline report"
    )
