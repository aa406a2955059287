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
province) the apology and late return, received weeks ago on a shifted clock.
"""

import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import httpx
import pytest
from notify.domain.sms_text import to_sms_text
from notify.domain.templates import TEMPLATES

pytestmark = pytest.mark.e2e

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TIMEOUT = 45.0  # generous: two cores shared with other work; a healthy run takes a second or two per step


# ---------------------------------------------------------------- waiting


def eventually(check, timeout: float = TIMEOUT, what: str = "condition"):
    """Poll `check` until it returns something truthy; fail with its last answer."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout}s; last: {result!r}")
        time.sleep(0.2)


def today() -> date:
    return datetime.now(VN).date()


def local_day(value: str) -> date:
    return datetime.fromisoformat(value).astimezone(VN).date()


# ---------------------------------------------------------------- citizens and the desk


@dataclass(frozen=True)
class Citizen:
    name: str
    phone: str  # as the desk types it
    cccd: str
    address: str | None = None

    @property
    def provider_phone(self) -> str:  # what Zalo and the SMS gateway get: 84…
        return "84" + self.phone.replace(" ", "")[1:]

    def form(self) -> dict:
        body = {"full_name": self.name, "cccd": self.cccd, "phone": self.phone, "consent": True,
                "preferred_channel": "zalo"}
        return body | ({"address": self.address} if self.address else {})


class Desk:
    """The officers of one unit at intake: tokens are issued at the system's current time."""

    ROLES = {"desk": "desk01", "specialist": "cv01", "leader": "ld01"}

    def __init__(self, system, unit: str) -> None:
        self.system, self.unit = system, unit
        self.http = httpx.Client(base_url=system.urls["intake"], timeout=15)

    def headers(self, role: str) -> dict[str, str]:
        return self.system.token(self.ROLES[role], self.unit, role)

    def receive(self, procedure: str, citizen: Citizen, *, check: str = "complete", channel: str = "direct",
                **extra) -> dict:
        answer = self.http.post("/api/v1/dossiers", headers=self.headers("desk"), json={
            "procedure_code": procedure, "desk_check": check, "channel": channel,
            "citizen": citizen.form(), **extra})
        assert answer.status_code == 201, answer.text
        return answer.json()

    def post(self, code: str, action: str, body: dict, role: str = "desk") -> httpx.Response:
        return self.http.post(f"/api/v1/dossiers/{code}/{action}", headers=self.headers(role), json=body)

    def act(self, code: str, action: str, body: dict, role: str = "desk") -> dict:
        answer = self.post(code, action, body, role)
        assert answer.status_code == 200, (action, answer.text)
        return answer.json()

    def hand_over(self, code: str) -> dict:
        return self.act(code, "hand-over", {"to_officer_id": "cv01", "step": "chuyen-mon"})

    def resolve(self, code: str, outcome: str = "approved", reason: str | None = None) -> dict:
        return self.act(code, "resolve", {"outcome": outcome, "reason": reason}, role="specialist")

    def give_back(self, code: str, method: str = "at_desk") -> dict:
        return self.act(code, "return", {"method": method})


# ---------------------------------------------------------------- what the citizen received

ZNS_KINDS = {template.zns_template_id: kind for kind, template in TEMPLATES.items()}


def _sms_pattern(sms_text: str) -> re.Pattern:
    """A template's SMS text with each placeholder as a wildcard (as notify renders it: no
    diacritics, names possibly cut)."""
    literal = re.split(r"\{[a-z_]+\}", to_sms_text(sms_text))
    return re.compile(".+?".join(re.escape(part) for part in literal), re.DOTALL)


SMS_KINDS = {kind: _sms_pattern(template.sms_text) for kind, template in TEMPLATES.items()}


def kind_of(message: dict) -> str:
    if message["channel"] == "zalo":
        return str(ZNS_KINDS[message["template_id"]])
    kinds = [str(kind) for kind, pattern in SMS_KINDS.items() if pattern.fullmatch(message["text"])]
    assert len(kinds) == 1, (message["text"], kinds)
    return kinds[0]


def inbox(system, citizen: Citizen) -> list[dict]:
    """Messages Zalo or the SMS gateway accepted for this citizen, in the order they arrived."""
    accepted = httpx.get(system.urls["sandbox"] + "/_sandbox/messages", timeout=10).json()
    return [m | {"kind": kind_of(m)} for m in accepted if m["phone"] == citizen.provider_phone]


def expect_inbox(system, citizen: Citizen, expected: list[tuple[str, str]], code: str | None = None) -> list[dict]:
    """Wait for as many messages as expected, then: exactly these (channel, kind), in this order.
    Zalo messages (and SMS texts that quote it) name the dossier `code`."""
    got = eventually(lambda: (lambda ms: ms if len(ms) >= len(expected) else None)(inbox(system, citizen)),
                     what=f"{len(expected)} messages to {citizen.name}")
    assert [(m["channel"], m["kind"]) for m in got] == expected
    for message in got:
        template = TEMPLATES[message["kind"]]
        if code and message["channel"] == "zalo" and "{code}" in template.zalo_text:
            assert message["template_data"]["ma_ho_so"] == code
        elif code and message["channel"] == "sms" and "{code}" in template.sms_text:
            assert code in message["text"]
        assert citizen.name not in str(message) and citizen.cccd not in str(message)  # they stay in intake
    LEDGER.inboxes[citizen] = expected
    return got


def survey_link(message: dict) -> str:
    assert message["kind"] == "survey_opened"
    if message["channel"] == "zalo":
        return message["template_data"]["link_khao_sat"]
    return re.search(r"http://\S+/s/[\w-]+", message["text"]).group(0)


def zns_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


# ---------------------------------------------------------------- surveys


def answer_on_page(link: str, level: str, comment: str | None = None) -> None:
    page = httpx.get(link, timeout=10)
    assert page.status_code == 200 and "hài lòng" in page.text
    answered = httpx.post(link, data={"level": level} | ({"comment": comment} if comment else {}), timeout=10)
    assert answered.status_code == 200, answered.text
    again = httpx.post(link, data={"level": "satisfied"}, timeout=10)
    assert again.status_code == 409  # one answer per dossier
    assert httpx.get(link, timeout=10).status_code == 409


def kiosk(system, unit: str, code: str, level: str) -> httpx.Response:
    return httpx.post(f"{system.urls['survey']}/api/v1/kiosk/dossiers/{code}/answer",
                      headers=system.token("desk01", unit, "desk"), json={"level": level}, timeout=10)


# ---------------------------------------------------------------- reporting figures

COUNTS = ("carried_over", "received_online", "received_direct", "received_postal", "resolved_early",
          "resolved_on_time", "resolved_late", "resolved_refused", "in_progress_overdue", "withdrawn",
          "refused_at_desk")
LEVELS = ("unsatisfied", "satisfied", "very_satisfied")


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def one_stop_row(counts: dict[str, int]) -> dict:
    """A one-stop row as reporting's README defines it, from the counts a journey produced."""
    row = {name: counts.get(name, 0) for name in COUNTS}
    received = row["received_online"] + row["received_direct"] + row["received_postal"]
    resolved = row["resolved_early"] + row["resolved_on_time"] + row["resolved_late"]
    in_progress = row["carried_over"] + received - resolved - row["withdrawn"]
    return row | {
        "received": received, "to_handle": row["carried_over"] + received, "resolved": resolved,
        "in_progress": in_progress, "in_progress_within_time": in_progress - row["in_progress_overdue"],
        "on_time_rate": _rate(row["resolved_early"] + row["resolved_on_time"], resolved),
        "early_rate": _rate(row["resolved_early"], resolved),
        "online_rate": _rate(row["received_online"], received),
    }


def satisfaction_row(levels: dict[str, int]) -> dict:
    row = {level: levels.get(level, 0) for level in LEVELS}
    answers = sum(row.values())
    return row | {"answers": answers, "satisfied_rate": _rate(row["satisfied"] + row["very_satisfied"], answers)}


def timeliness(dossier: dict) -> str:
    """Early / on time / late: the local resolution day against the local due day."""
    resolved, due = local_day(dossier["resolved_at"]), local_day(dossier["due_at"])
    return "resolved_early" if resolved < due else "resolved_on_time" if resolved == due else "resolved_late"


class Reports:
    def __init__(self, system, unit: str | None = None, api_key: str | None = None) -> None:
        headers = {"X-API-Key": api_key} if api_key else system.token("ld01", unit, "leader")
        self.http = httpx.Client(base_url=system.urls["reporting"], headers=headers, timeout=15)

    def get(self, report: str, scope: dict, start: date, end: date, group_by: str) -> dict:
        answer = self.http.get(f"/api/v1/reports/{report}", params=scope | {
            "from": start.isoformat(), "to": end.isoformat(), "group_by": group_by})
        assert answer.status_code == 200, answer.text
        return answer.json()

    def rows(self, report: str, scope: dict, start: date, end: date, group_by: str = "procedure") -> dict:
        body = self.get(report, scope, start, end, group_by)
        fields = tuple(one_stop_row({})) if report == "one-stop" else tuple(satisfaction_row({}))
        return {row["key"]: {f: row[f] for f in fields} for row in [*body["rows"], body["total"]]}


def expect_figures(system, unit: str, procedure: str, start: date, counts: dict[str, int],
                   levels: dict[str, int] | None = None, end: date | None = None) -> None:
    """The procedure's one-stop row (and satisfaction row) for [start, end or today] reaches
    exactly what the journey did; it is recorded for the totals."""
    reports, scope = Reports(system, unit), {"unit": unit}
    end = end or today()
    wanted = [("one-stop", one_stop_row(counts))] + ([("satisfaction", satisfaction_row(levels))] if levels else [])
    for report, want in wanted:
        last = {}

        def reached() -> bool:
            last["row"] = reports.rows(report, scope, start, end).get(procedure)
            return last["row"] == want

        try:
            eventually(reached, what=f"{report} row {procedure}")
        except AssertionError:
            assert last["row"] == want, f"{report} row {procedure} for {start}..{end}"
            raise
    LEDGER.add(unit, start, counts, levels or {})


# ---------------------------------------------------------------- what every journey expects, for the totals


class Ledger:
    def __init__(self) -> None:
        self.counts: dict[str, Counter] = defaultdict(Counter)
        self.levels: dict[str, Counter] = defaultdict(Counter)
        self.start: dict[str, date] = {}
        self.inboxes: dict[Citizen, list[tuple[str, str]]] = {}
        self.surveyed: dict[str, str] = {}  # dossier code -> level answered
        self.not_surveyed: set[str] = set()

    def add(self, unit: str, start: date, counts: dict[str, int], levels: dict[str, int]) -> None:
        self.counts[unit].update(counts)
        self.levels[unit].update(levels)
        self.start[unit] = min(start, self.start.get(unit, start))


LEDGER = Ledger()
PROVINCE = {"26734": "79", "26929": "79", "26956": "79", "31261": "92"}


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

    inbox_ = expect_inbox(system, citizen, [("zalo", "received"), ("zalo", "result_ready_at_desk"),
                                            ("zalo", "survey_opened")], code)
    assert inbox_[0]["template_data"]["ngay_hen"] == zns_date(local_day(dossier["due_at"]))
    answer_on_page(survey_link(inbox_[2]), "very_satisfied", "Cán bộ tận tình")
    assert kiosk(system, "26734", code, "satisfied").status_code == 409
    LEDGER.surveyed[code] = "very_satisfied"

    month = today().strftime("%Y-%m")
    comments = httpx.get(f"{system.urls['survey']}/api/v1/units/26734/comments", params={"month": month},
                         headers=system.token("ld01", "26734", "leader"), timeout=10).json()
    assert "Cán bộ tận tình" in str(comments)
    expect_figures(system, "26734", "1.000489", local_day(dossier["received_at"]),
                   {"received_direct": 1, timeliness(resolved): 1}, {"very_satisfied": 1})


def test_supplements_at_the_desk_and_in_processing_by_sms(system):
    """A citizen without Zalo: every message falls back to SMS. Papers missing at the desk, then
    more asked during processing; received once; the desk keys the survey answer at the kiosk."""
    citizen = Citizen("Lê Văn Cường", "0987 654 321", "079090001122")
    set_behaviour = httpx.put(f"{system.urls['sandbox']}/_sandbox/behaviours/{citizen.provider_phone}",
                              json={"zalo_error": -118}, timeout=10)  # "Zalo account not existed"
    assert set_behaviour.status_code == 200
    desk = Desk(system, "26734")
    dossier = desk.receive("1.001699", citizen, check="incomplete",
                           missing_papers=["Giấy xác nhận khuyết tật cũ"], reason="Thiếu giấy tờ")
    code = dossier["code"]
    assert dossier["status"] == "awaiting_papers"
    assert desk.act(code, "supply-papers", {})["status"] == "received"
    desk.hand_over(code)
    asked = desk.act(code, "request-supplement", {"missing_papers": ["Bản sao giấy tờ y tế"],
                                                  "reason": "Cần xác minh mức độ khuyết tật"}, role="specialist")
    assert asked["status"] == "supplement_requested"
    supplied = desk.act(code, "supply-papers", {})
    assert supplied["status"] == "in_progress"
    resolved = desk.resolve(code)
    desk.give_back(code)

    got = expect_inbox(system, citizen, [("sms", "supplement_at_desk"), ("sms", "received"),
                                         ("sms", "supplement_in_processing"), ("sms", "result_ready_at_desk"),
                                         ("sms", "survey_opened")], code)
    assert all(m["sms_parts"] == 1 and m["text"].isascii() for m in got)
    attempts = httpx.get(system.urls["sandbox"] + "/_sandbox/attempts", timeout=10).json()
    zalo_tries = [a for a in attempts if a["phone"] == citizen.provider_phone and a["channel"] == "zalo"]
    assert len(zalo_tries) == 5 and not any(a["accepted"] for a in zalo_tries)  # Zalo first, each time

    recorded = kiosk(system, "26734", code, "satisfied")
    assert recorded.status_code == 201, recorded.text
    assert kiosk(system, "26734", code, "very_satisfied").status_code == 409
    assert httpx.post(survey_link(got[4]), data={"level": "unsatisfied"}, timeout=10).status_code == 409
    LEDGER.surveyed[code] = "satisfied"
    expect_figures(system, "26734", "1.001699", local_day(supplied["received_at"]),
                   {"received_direct": 1, timeliness(resolved): 1}, {"satisfied": 1})


def test_result_returned_at_home(system):
    """Home service in Bình Thạnh: the result goes back on the unit's visit day."""
    desk = Desk(system, "26929")
    citizen = Citizen("Nguyễn Văn An", "0903 111 222", "079045000111", address="12 Nơ Trang Long, Bình Thạnh")
    dossier = desk.receive("1.004227", citizen, home_service=True, channel="postal")
    code = dossier["code"]
    desk.hand_over(code)
    resolved = desk.resolve(code)
    visit = desk.act(code, "home-visit", {"purpose": "return"})["home_visits"][-1]
    returned = desk.give_back(code, "at_home")
    assert returned["return_method"] == "at_home"

    got = expect_inbox(system, citizen, [("zalo", "received"), ("zalo", "home_visit_return"),
                                         ("zalo", "survey_opened")], code)
    assert got[1]["template_data"]["ngay_den"] == zns_date(date.fromisoformat(visit["visit_date"]))
    answer_on_page(survey_link(got[2]), "satisfied")
    LEDGER.surveyed[code] = "satisfied"
    expect_figures(system, "26929", "1.004227", local_day(dossier["received_at"]),
                   {"received_postal": 1, timeliness(resolved): 1}, {"satisfied": 1})


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
    expect_figures(system, "26956", "1.000748", local_day(dossier["received_at"]),
                   {"received_direct": 1, "withdrawn": 1})


def test_refused_at_the_desk_and_refused_after_processing(system):
    """Two refusals, neither surveyed: one at the desk (never received), one resolved as refused
    and returned. A third citizen's approved dossier, returned after them, is surveyed: once its
    link arrives, survey has consumed the refused return before it (one queue, in order)."""
    desk = Desk(system, "26956")
    at_desk = Citizen("Hoàng Văn Em", "0976 333 444", "079085003344")
    refused_here = desk.receive("2.001016", at_desk, check="ineligible", reason="Không thuộc thẩm quyền cấp xã")
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
    control_inbox = expect_inbox(system, control, [("zalo", "received"), ("zalo", "result_ready_at_desk"),
                                                   ("zalo", "survey_opened")], approved["code"])
    expect_inbox(system, processed, [("zalo", "received"), ("zalo", "result_ready_at_desk")], code)
    assert kiosk(system, "26956", code, "satisfied").status_code == 404  # no survey for a refusal
    assert kiosk(system, "26956", refused_here["code"], "satisfied").status_code == 404
    answer_on_page(survey_link(control_inbox[2]), "very_satisfied")
    LEDGER.surveyed[approved["code"]] = "very_satisfied"
    LEDGER.not_surveyed |= {code, refused_here["code"]}

    start = local_day(refused_here["submitted_at"])
    expect_figures(system, "26956", "2.001016", start, {"refused_at_desk": 1})
    expect_figures(system, "26956", "1.001653", start,
                   {"received_direct": 1, timeliness(resolved): 1, "resolved_refused": 1})
    expect_figures(system, "26956", "2.001035", start,
                   {"received_direct": 1, timeliness(approved_resolved): 1}, {"very_satisfied": 1})


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
        partial = desk.act(code, f"tasks/{agency}/resolve", {"outcome": "approved"}, role="specialist")
        assert partial["status"] != "resolved"
    resolved = desk.act(code, "tasks/bhxh/resolve", {"outcome": "approved"}, role="specialist")
    assert resolved["status"] == "resolved" and resolved["outcome"] == "approved"
    desk.give_back(code)

    got = expect_inbox(system, citizen, [("zalo", "received"), ("zalo", "result_ready_at_desk"),
                                         ("zalo", "congratulations_birth"), ("zalo", "survey_opened")], code)
    answer_on_page(survey_link(got[3]), "very_satisfied", "Nhanh gọn, không phải đi nhiều nơi")
    LEDGER.surveyed[code] = "very_satisfied"
    expect_figures(system, "26929", "LT-KS-TT-BHYT", local_day(dossier["received_at"]),
                   {"received_online": 1, timeliness(resolved): 1}, {"very_satisfied": 1})


def _a_past_receipt(desk: Desk, procedure: str) -> timedelta:
    """How far back to receive a dossier so that it was due at least two days before today (the
    unit's calendar decides: holidays may stretch a time limit)."""
    for days in (14, 21, 30, 45, 60):
        quote = desk.http.get("/api/v1/calendar/due-date", params={
            "unit": desk.unit, "procedure": procedure,
            "received_at": (datetime.now(timezone.utc) - timedelta(days=days)).isoformat()}).json()
        if date.fromisoformat(quote["due_date"]) < today() - timedelta(days=2):
            return timedelta(days=days)
    raise AssertionError("no receipt date found that is overdue now")


def test_apology_and_late_return(system):
    """Received weeks ago (the whole system's clock shifted back), an apology with a new date
    before the due date, then resolved today: late, and late it stays in the figures although the
    apology moved the date; it was on the overdue list until resolved."""
    desk = Desk(system, "31261")
    citizen = Citizen("Trương Văn Khoa", "0703 777 888", "092088007788")
    back = _a_past_receipt(desk, "2.001035")
    system.shift_clock(-back)
    try:
        dossier = desk.receive("2.001035", citizen)
        code, due = dossier["code"], local_day(dossier["due_at"])
        desk.hand_over(code)
        new_due = date.fromisoformat(desk.http.get("/api/v1/calendar/due-date", params={
            "unit": "31261", "procedure": "2.001035",
            "received_at": datetime.combine(due, datetime.min.time().replace(hour=9), VN).isoformat()},
        ).json()["due_date"])
        apologised = desk.act(code, "apologise", {"new_due_date": new_due.isoformat(),
                                                  "reason": "Chờ xác minh của cơ quan đất đai"}, role="specialist")
        assert local_day(apologised["due_at"]) == new_due
        expect_inbox(system, citizen, [("zalo", "received"), ("zalo", "apology")], code)
    finally:
        system.shift_clock(timedelta(0))
    received_day = local_day(dossier["received_at"])
    assert due < today() - timedelta(days=1)

    reports = Reports(system, "31261")
    overdue = eventually(lambda: (lambda ds: ds if any(d["apologised"] for d in ds) else None)(
        reports.http.get("/api/v1/reports/overdue", params={"unit": "31261"}).json()["dossiers"]),
        what="the apologised dossier on the overdue list")
    assert [(d["code"], local_day(d["due_at"]), local_day(d["due_at_in_force"]), d["days_late"])
            for d in overdue] == [(code, due, new_due, (today() - due).days)]
    # The day after the due day it was carried over and overdue; on its receipt day, within time.
    after_due = due + timedelta(days=1)
    assert reports.rows("one-stop", {"unit": "31261"}, after_due, after_due)["2.001035"] == one_stop_row(
        {"carried_over": 1, "in_progress_overdue": 1})
    assert reports.rows("one-stop", {"unit": "31261"}, received_day, received_day)["2.001035"] == one_stop_row(
        {"received_direct": 1})

    resolved = desk.resolve(code)
    assert timeliness(resolved) == "resolved_late"
    desk.give_back(code)
    got = expect_inbox(system, citizen, [("zalo", "received"), ("zalo", "apology"),
                                         ("zalo", "result_ready_at_desk"), ("zalo", "survey_opened")], code)
    assert got[0]["template_data"]["ngay_hen"] == zns_date(due)
    assert got[1]["template_data"]["ngay_hen_moi"] == zns_date(new_due)
    answer_on_page(survey_link(got[3]), "unsatisfied", "Trễ hẹn")
    LEDGER.surveyed[code] = "unsatisfied"
    expect_figures(system, "31261", "2.001035", received_day, {"received_direct": 1, "resolved_late": 1},
                   {"unsatisfied": 1})
    eventually(lambda: reports.http.get("/api/v1/reports/overdue", params={"unit": "31261"}).json()["dossiers"] == [],
               what="the overdue list empty once resolved")


# ================================================================ the whole run


def _survey_events(system) -> list[dict]:
    events, after = [], None
    while True:
        page = httpx.get(f"{system.urls['survey']}/api/v1/events", params={"after": after} if after else {},
                         headers=system.token("reporting", "79", "system"), timeout=10).json()
        if not page["events"]:
            return events
        events += page["events"]
        after = page["next"]


def _snapshot(system, keys: dict[str, str]) -> dict:
    snapshot = {}
    for unit, start in ((u, LEDGER.start[u]) for u in LEDGER.counts):
        reports = Reports(system, unit)
        snapshot[unit] = (reports.rows("one-stop", {"unit": unit}, start, today()),
                          reports.rows("satisfaction", {"unit": unit}, start, today()))
    for province, key in keys.items():
        start = min(LEDGER.start[u] for u in LEDGER.counts if PROVINCE[u] == province)
        reports = Reports(system, api_key=key)
        snapshot[province] = (reports.rows("one-stop", {"province": province}, start, today(), "unit"),
                              reports.rows("satisfaction", {"province": province}, start, today(), "unit"))
    return snapshot


def test_totals_surveys_and_messages_across_every_journey(system):
    """Whatever journeys ran: the totals per unit and per province are the sums of what each
    did; surveys opened for exactly the returned, approved dossiers, with their answers; every
    citizen still has each message once; a rebuild from the event logs gives the same figures."""
    if not LEDGER.counts:
        pytest.skip("no journey ran")
    for citizen, expected in LEDGER.inboxes.items():
        assert [(m["channel"], m["kind"]) for m in inbox(system, citizen)] == expected, citizen.name

    events = _survey_events(system)
    opened = Counter(e["payload"]["dossier_code"] for e in events if e["event_type"] == "survey.opened")
    answered = {e["payload"]["dossier_code"]: e["payload"]["level"] for e in events
                if e["event_type"] == "survey.answered"}
    assert set(opened) == set(LEDGER.surveyed) and set(opened.values()) == {1}
    assert answered == LEDGER.surveyed
    assert not LEDGER.not_surveyed & set(opened)

    keys = {}
    for province in sorted({PROVINCE[u] for u in LEDGER.counts}):
        created = system.run("reporting-apikey", "create", "--name", f"e2e {province}", "--province", province)
        assert created.returncode == 0, created.stderr
        keys[province] = re.search(r"X-API-Key: (\S+)", created.stdout).group(1)

    def expected_totals(units: list[str]) -> tuple[dict, dict]:
        counts, levels = Counter(), Counter()
        for unit in units:
            counts.update(LEDGER.counts[unit])
            levels.update(LEDGER.levels[unit])
        return one_stop_row(counts), satisfaction_row(levels)

    snapshot = _snapshot(system, keys)  # every journey waited for its own figures
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
    assert _snapshot(system, keys) == snapshot
