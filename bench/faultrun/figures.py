"""The end checks of a fault run, each read from the services themselves over HTTP (and the
dead-letter queues from the broker): a `Check` is an invariant with the figures behind it.

- intake's dossiers (the event log: none duplicated by a repeated receipt, none missing) and
  their states, turned into the one-stop columns, equal reporting's one-stop totals exactly,
  unit by unit; the kiosk answers equal survey's and reporting's satisfaction counts;
- the sandbox gateway accepted no message twice for a (phone, dossier, kind);
- survey opened one survey per returned, approved, non-death dossier, never two;
- no dead-letter queue holds anything (none is expected in this run; any entry is shown).
"""

import asyncio
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aio_pika
import httpx

from motcua_shared.testing.system import CONSUMERS

from faultrun.driver import Driver
from faultrun.resilient import attempt, event_log, until_done

COLUMNS = (
    "carried_over",
    "received",
    "received_direct",
    "received_online",
    "received_postal",
    "resolved",
    "resolved_refused",
    "withdrawn",
    "refused_at_desk",
    "in_progress",
)
LEVELS = ("unsatisfied", "satisfied", "very_satisfied")
OPEN = ("received", "in_progress", "supplement_requested")


@dataclass
class Check:
    name: str
    ok: bool
    lines: list[str] = field(default_factory=list)


def one_stop_columns(dossiers: list[dict[str, Any]]) -> Counter:
    """What the one-stop report must say for these dossiers (all received in the period)."""
    columns: Counter = Counter({column: 0 for column in COLUMNS})
    for dossier in dossiers:
        status, received = dossier["status"], dossier["received_at"] is not None
        if received:
            columns["received"] += 1
            columns[f"received_{dossier['channel']}"] += 1
        if status in ("resolved", "returned"):
            columns["resolved"] += 1
            columns["resolved_refused"] += dossier["outcome"] == "refused"
        columns["withdrawn"] += status == "withdrawn" and received
        columns["refused_at_desk"] += status == "refused_at_desk"
        columns["in_progress"] += status in OPEN
    return columns


async def intake_dossiers(
    driver: Driver, urls: dict[str, str]
) -> tuple[Check, dict[str, list[dict]]]:
    """Every dossier in intake's event log, read back; by unit."""
    async with httpx.AsyncClient(base_url=urls["intake"], timeout=120) as intake:
        first_events = [
            e
            async for e in event_log(intake, driver.system_headers, driver.tally)
            if e["event_type"].startswith("dossier.") and e["aggregate_version"] == 1
        ]
        by_correlation = Counter(e["correlation_id"] for e in first_events)
        codes = {e["aggregate_id"]: e["unit_code"] for e in first_events}
        planned = {o.code for o in driver.outcomes.values() if o.code}
        semaphore = asyncio.Semaphore(16)

        async def read(code: str, unit: str) -> dict[str, Any]:
            async with semaphore:
                response = await until_done(
                    lambda: attempt(
                        intake,
                        "GET",
                        f"/api/v1/dossiers/{code}",
                        headers=driver.headers(unit, "desk"),
                    ),
                    driver.tally,
                    "final read",
                )
                return response.json()

        dossiers = await asyncio.gather(*(read(code, unit) for code, unit in codes.items()))
    by_unit: dict[str, list[dict]] = defaultdict(list)
    for dossier in dossiers:
        by_unit[dossier["unit_code"]].append(dossier)
    duplicated = sum(count - 1 for count in by_correlation.values())
    statuses = Counter(d["status"] for d in dossiers)
    check = Check(
        "intake holds exactly the planned dossiers, none twice",
        ok=len(codes) == len(driver.plans) and not duplicated and set(codes) == planned,
        lines=[
            f"dossiers in intake's log {len(codes)} (planned {len(driver.plans)}, "
            f"codes the driver got {len(planned)}, receipts duplicated by a repeat {duplicated})",
            "intake by status: " + ", ".join(f"{s} {n}" for s, n in sorted(statuses.items())),
        ],
    )
    return check, by_unit


async def reporting_totals(
    driver: Driver, urls: dict[str, str], by_unit: dict[str, list[dict]], period: dict[str, str]
) -> list[Check]:
    mismatches: list[str] = []
    intake_total: Counter = Counter()
    report_total: Counter = Counter()
    satisfaction: Counter = Counter()
    async with httpx.AsyncClient(base_url=urls["reporting"], timeout=60) as reporting:
        for unit, dossiers in sorted(by_unit.items()):
            expected = one_stop_columns(dossiers)
            headers = driver.headers(unit, "leader")
            body = (
                await reporting.get(
                    "/api/v1/reports/one-stop", headers=headers, params=period | {"unit": unit}
                )
            ).json()["total"]
            got = Counter({column: body[column] for column in COLUMNS})
            intake_total.update(expected)
            report_total.update(got)
            mismatches += [
                f"unit {unit} {c}: intake {expected[c]} ≠ reporting {got[c]}"
                for c in COLUMNS
                if expected[c] != got[c]
            ]
            answers = (
                await reporting.get(
                    "/api/v1/reports/satisfaction", headers=headers, params=period | {"unit": unit}
                )
            ).json()["total"]
            satisfaction.update({level: answers[level] for level in LEVELS})
    table = [f"{c:17} intake {intake_total[c]:6}   reporting {report_total[c]:6}" for c in COLUMNS]
    totals = Check(
        "reporting's one-stop totals equal intake's, unit by unit",
        ok=not mismatches,
        lines=table + mismatches,
    )
    kiosk = Counter(
        p.answer
        for p in driver.plans
        if driver.outcomes.get(p.index) and driver.outcomes[p.index].answered
    )
    survey = await survey_answers(driver, urls)
    answers = Check(
        "satisfaction: kiosk answers = survey's answered = reporting's answers",
        ok=all(kiosk[lv] == survey[lv] == satisfaction[lv] for lv in LEVELS),
        lines=[
            f"{lv:15} kiosk {kiosk[lv]:5}   survey {survey[lv]:5}   reporting {satisfaction[lv]:5}"
            for lv in LEVELS
        ],
    )
    return [totals, answers]


async def survey_log(driver: Driver, urls: dict[str, str]) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=urls["survey"], timeout=60) as survey:
        return [e async for e in event_log(survey, driver.system_headers, driver.tally)]


async def survey_answers(driver: Driver, urls: dict[str, str]) -> Counter:
    return Counter(
        e["payload"]["level"]
        for e in await survey_log(driver, urls)
        if e["event_type"] == "survey.answered"
    )


async def surveys(driver: Driver, urls: dict[str, str]) -> Check:
    opened = Counter(
        e["payload"]["dossier_code"]
        for e in await survey_log(driver, urls)
        if e["event_type"] == "survey.opened"
    )
    expected = {
        driver.outcomes[p.index].code
        for p in driver.plans
        if p.survey_expected and p.index in driver.outcomes and driver.outcomes[p.index].code
    }
    twice = {code: n for code, n in opened.items() if n > 1}
    missing, unexpected = expected - set(opened), set(opened) - expected
    return Check(
        "one survey per returned approved dossier, none opened twice",
        ok=not twice and not missing and not unexpected,
        lines=[
            f"surveys opened {sum(opened.values())} for {len(opened)} "
            f"dossiers (expected {len(expected)}); "
            f"opened twice {len(twice)}, missing {len(missing)}, unexpected {len(unexpected)}",
            *[f"  opened twice: {code} ×{n}" for code, n in list(twice.items())[:10]],
            *[f"  missing: {code}" for code in sorted(missing)[:10]],
        ],
    )


async def messages(driver: Driver, urls: dict[str, str]) -> Check:
    """At the gateway: a message is (phone, dossier, kind); Zalo names its kind by template id,
    an SMS by its text (each kind's text differs)."""
    from notify.domain.templates import TEMPLATES

    kinds = {t.zns_template_id: t.kind.value for t in TEMPLATES.values()}
    dossier_of = {
        f"84{p.phone[1:]}": driver.outcomes[p.index].code
        for p in driver.plans
        if p.index in driver.outcomes
    }
    async with httpx.AsyncClient(base_url=urls["sandbox"], timeout=60) as sandbox:
        accepted = (await sandbox.get("/_sandbox/messages")).json()
    seen: Counter = Counter()
    by_kind: Counter = Counter()
    references: Counter = Counter()
    for message in accepted:
        kind = (
            kinds.get(message["template_id"], message["template_id"])
            if message["channel"] == "zalo"
            else "sms: " + message["text"]
        )
        seen[(message["phone"], dossier_of.get(message["phone"]), kind)] += 1
        by_kind[
            kinds.get(message["template_id"], "sms") if message["channel"] == "zalo" else "sms"
        ] += 1
        references[message["reference"]] += 1
    twice = {key: n for key, n in seen.items() if n > 1}
    failed = await notify_failures(driver, urls)
    return Check(
        "no citizen got a message twice",
        ok=not twice and all(n == 1 for n in references.values()),
        lines=[
            f"messages accepted by the gateway {len(accepted)} for {len(seen)} (phone, "
            "dossier, kind); "
            f"twice {len(twice)}; same message id twice "
            f"{sum(1 for n in references.values() if n > 1)}",
            "by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(by_kind.items())),
            "notification.failed: " + (", ".join(f"{r} {n}" for r, n in failed.items()) or "none"),
            *[f"  twice: {key} ×{n}" for key, n in list(twice.items())[:10]],
        ],
    )


async def notify_failures(driver: Driver, urls: dict[str, str]) -> Counter:
    async with httpx.AsyncClient(base_url=urls["notify"], timeout=60) as notify:
        return Counter(
            [
                (e["payload"].get("reason") or "").split(":")[0]
                async for e in event_log(notify, driver.system_headers, driver.tally)
                if e["event_type"] == "notification.failed"
            ]
        )


async def dead_letters(amqp_url: str, exchange: str, queues: Sequence[str] = ()) -> Check:
    """Each DLQ's depth and every entry's reason; the entries are read and left in place.
    `queues`: the DLQs' names (default: one per consumer)."""
    lines, total = [], 0
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        for name in queues or [f"{exchange}.{service}.dlq" for service in CONSUMERS]:
            queue = await channel.declare_queue(name, passive=True)
            reasons: Counter = Counter()
            while (message := await queue.get(no_ack=False, fail=False)) is not None:
                reasons[_reason(message)] += 1  # not acked: back in the queue when we close
            total += sum(reasons.values())
            lines.append(f"{queue.name}: {sum(reasons.values())}")
            lines += [f"  {n} × {reason}" for reason, n in reasons.most_common()]
    return Check(
        "nothing in any dead-letter queue (none expected in this run)", ok=total == 0, lines=lines
    )


def _reason(message: aio_pika.abc.AbstractIncomingMessage) -> str:
    headers = message.headers or {}
    reason = headers.get("x-motcua-reason")
    if reason is None and headers.get("x-death"):
        death = headers["x-death"][0]
        reason = f"x-death {death.get('reason')} after {death.get('count')} deliveries"
    try:
        body = json.loads(message.body)
        what = (
            f"{body.get('event_type')} {body.get('aggregate_id')} v{body.get('aggregate_version')}"
        )
    except ValueError:
        what = "unparsable body"
    return f"{what}: {reason}"


def parked(count: int) -> Check:
    return Check(
        "reporting has no event parked for a missing predecessor",
        ok=count == 0,
        lines=[f"reporting parked_events {count}"],
    )
