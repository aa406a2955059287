"""The e2e journeys' kit: the citizen and the desk as HTTP actors, the citizen's inbox at the
sandbox gateway, the reports as the province reads them, and the ledger of what each journey
expects (summed by the last test)."""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import httpx

from motcua_shared.testing.waiting import eventually  # noqa: F401  (the journeys import it from here)

from notify.domain.sms_text import to_sms_text
from notify.domain.templates import TEMPLATES

VN = ZoneInfo("Asia/Ho_Chi_Minh")


# ---------------------------------------------------------------- the system


# ---------------------------------------------------------------- days


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
        body = {
            "full_name": self.name,
            "cccd": self.cccd,
            "phone": self.phone,
            "consent": True,
            "preferred_channel": "zalo",
        }
        return body | ({"address": self.address} if self.address else {})


class Desk:
    """The officers of one unit at intake: tokens are issued at the system's current time."""

    ROLES = {"desk": "desk01", "specialist": "cv01", "leader": "ld01"}

    def __init__(self, system, unit: str) -> None:
        self.system, self.unit = system, unit
        self.http = httpx.Client(base_url=system.urls["intake"], timeout=15)

    def headers(self, role: str) -> dict[str, str]:
        return self.system.token(self.ROLES[role], self.unit, role)

    def receive(
        self,
        procedure: str,
        citizen: Citizen,
        *,
        check: str = "complete",
        channel: str = "direct",
        **extra,
    ) -> dict:
        answer = self.http.post(
            "/api/v1/dossiers",
            headers=self.headers("desk"),
            json={
                "procedure_code": procedure,
                "desk_check": check,
                "channel": channel,
                "citizen": citizen.form(),
                **extra,
            },
        )
        assert answer.status_code == 201, answer.text
        return answer.json()

    def post(self, code: str, action: str, body: dict, role: str = "desk") -> httpx.Response:
        return self.http.post(
            f"/api/v1/dossiers/{code}/{action}", headers=self.headers(role), json=body
        )

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


def expect_inbox(
    system, citizen: Citizen, expected: list[tuple[str, str]], code: str | None = None
) -> list[dict]:
    """Wait for as many messages as expected, then: exactly these (channel, kind), in this order.
    Zalo messages (and SMS texts that quote it) name the dossier `code`."""
    got = eventually(
        lambda: (lambda ms: ms if len(ms) >= len(expected) else None)(inbox(system, citizen)),
        what=f"{len(expected)} messages to {citizen.name}",
    )
    assert [(m["channel"], m["kind"]) for m in got] == expected
    for message in got:
        template = TEMPLATES[message["kind"]]
        if code and message["channel"] == "zalo" and "{code}" in template.zalo_text:
            assert message["template_data"]["ma_ho_so"] == code
        elif code and message["channel"] == "sms" and "{code}" in template.sms_text:
            assert code in message["text"]
        assert citizen.name not in str(message) and citizen.cccd not in str(
            message
        )  # they stay in intake
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
    answered = httpx.post(
        link, data={"level": level} | ({"comment": comment} if comment else {}), timeout=10
    )
    assert answered.status_code == 200, answered.text
    again = httpx.post(link, data={"level": "satisfied"}, timeout=10)
    assert again.status_code == 409  # one answer per dossier
    assert httpx.get(link, timeout=10).status_code == 409


def kiosk(system, unit: str, code: str, level: str) -> httpx.Response:
    return httpx.post(
        f"{system.urls['survey']}/api/v1/kiosk/dossiers/{code}/answer",
        headers=system.token("desk01", unit, "desk"),
        json={"level": level},
        timeout=10,
    )


# ---------------------------------------------------------------- reporting figures

COUNTS = (
    "carried_over",
    "received_online",
    "received_direct",
    "received_postal",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "resolved_refused",
    "in_progress_overdue",
    "withdrawn",
    "refused_at_desk",
)
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
        "received": received,
        "to_handle": row["carried_over"] + received,
        "resolved": resolved,
        "in_progress": in_progress,
        "in_progress_within_time": in_progress - row["in_progress_overdue"],
        "on_time_rate": _rate(row["resolved_early"] + row["resolved_on_time"], resolved),
        "early_rate": _rate(row["resolved_early"], resolved),
        "online_rate": _rate(row["received_online"], received),
    }


def satisfaction_row(levels: dict[str, int]) -> dict:
    row = {level: levels.get(level, 0) for level in LEVELS}
    answers = sum(row.values())
    return row | {
        "answers": answers,
        "satisfied_rate": _rate(row["satisfied"] + row["very_satisfied"], answers),
    }


def timeliness(dossier: dict) -> str:
    """Early / on time / late: the local resolution day against the local due day."""
    resolved, due = local_day(dossier["resolved_at"]), local_day(dossier["due_at"])
    return (
        "resolved_early"
        if resolved < due
        else "resolved_on_time"
        if resolved == due
        else "resolved_late"
    )


class Reports:
    def __init__(self, system, unit: str | None = None, api_key: str | None = None) -> None:
        headers = {"X-API-Key": api_key} if api_key else system.token("ld01", unit, "leader")
        self.http = httpx.Client(base_url=system.urls["reporting"], headers=headers, timeout=15)

    def get(self, report: str, scope: dict, start: date, end: date, group_by: str) -> dict:
        answer = self.http.get(
            f"/api/v1/reports/{report}",
            params=scope | {"from": start.isoformat(), "to": end.isoformat(), "group_by": group_by},
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    def rows(
        self, report: str, scope: dict, start: date, end: date, group_by: str = "procedure"
    ) -> dict:
        body = self.get(report, scope, start, end, group_by)
        fields = tuple(one_stop_row({})) if report == "one-stop" else tuple(satisfaction_row({}))
        return {row["key"]: {f: row[f] for f in fields} for row in [*body["rows"], body["total"]]}


def expect_figures(
    system,
    unit: str,
    procedure: str,
    start: date,
    counts: dict[str, int],
    levels: dict[str, int] | None = None,
    end: date | None = None,
) -> None:
    """The procedure's one-stop row (and satisfaction row) for [start, end or today] reaches
    exactly what the journey did; it is recorded for the totals."""
    reports, scope = Reports(system, unit), {"unit": unit}
    end = end or today()
    wanted = [("one-stop", one_stop_row(counts))] + (
        [("satisfaction", satisfaction_row(levels))] if levels else []
    )
    for report, want in wanted:
        last = {}

        def reached() -> bool:  # called only within this iteration, so the loop's names are its own
            last["row"] = reports.rows(report, scope, start, end).get(procedure)  # noqa: B023
            return last["row"] == want  # noqa: B023

        try:
            eventually(reached, what=f"{report} row {procedure}")
        except AssertionError:
            assert last["row"] == want, f"{report} row {procedure} for {start}..{end}"
            raise
    LEDGER.add(unit, start, counts, levels or {})


# ---------------------------------------------------------------- what every journey expects, for
# the totals


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
