"""Reporting started through its own wiring on the real broker and the Mongo-wire server, and
a scripted February 2026 (Tết: 16–20 Feb) for two units in two provinces."""

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import pytest_asyncio

from motcua_shared.contract.dossier_events import Channel, ResolutionOutcome
from motcua_shared.contract.envelope import Envelope
from motcua_shared.contract.survey_events import SatisfactionLevel
from motcua_shared.testing.clock import SettableClock
from motcua_shared.testing.plugin import eventually
from motcua_shared.testing.publish import publish_raw as publish
from motcua_shared.web.auth import mint_token

from reporting.adapters.mongo_collections import PARKED_EVENTS, PROCESSED_EVENTS
from reporting.domain.scope import AccessScope
from reporting.main import create_app
from reporting.settings import ReportingSettings
from reporting.testing.event_scripts import DossierScript, Procedure, Unit, due, survey_answer, vn

UNIT_A = Unit("26734", "UBND phường Bình Thạnh", "79")
UNIT_B = Unit("31120", "UBND phường Cái Khế", "92")
CERT = Procedure("1.001", "Chứng thực bản sao từ bản chính", "chung-thuc")
BIRTH = Procedure("1.002", "Đăng ký khai sinh", "ho-tich")
LAND = Procedure("1.003", "Đăng ký biến động đất đai", "dat-dai")
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 09:00 on 2 March in Asia/Ho_Chi_Minh


def february() -> list[Envelope[Any]]:
    """Every dossier's fate is in its comment; the tests' expected figures are counted from
    these."""
    S, L = SatisfactionLevel, ResolutionOutcome
    a = {
        n: DossierScript(f"A{n}", UNIT_A, proc, ch)
        for n, proc, ch in [
            (1, CERT, Channel.DIRECT),
            (2, CERT, Channel.DIRECT),
            (3, BIRTH, Channel.ONLINE),
            (4, LAND, Channel.ONLINE),
            (5, BIRTH, Channel.POSTAL),
            (6, CERT, Channel.DIRECT),
            (7, LAND, Channel.DIRECT),
            (8, CERT, Channel.ONLINE),
            (9, BIRTH, Channel.DIRECT),
            (10, BIRTH, Channel.DIRECT),
            (11, CERT, Channel.DIRECT),
            (12, LAND, Channel.DIRECT),
        ]
    }
    b = {
        n: DossierScript(f"B{n}", UNIT_B, proc, ch)
        for n, proc, ch in [
            (1, CERT, Channel.ONLINE),
            (2, BIRTH, Channel.DIRECT),
            (3, LAND, Channel.POSTAL),
            (4, CERT, Channel.ONLINE),
            (5, BIRTH, Channel.DIRECT),
        ]
    }
    tasks = [
        DossierScript(f"A10-{i}", UNIT_A, BIRTH, Channel.DIRECT, parent_code="A10") for i in (1, 2)
    ]
    # A1: received in January, resolved early on 3 Feb: carried over.
    a[1].received(vn(2026, 1, 26), due(2026, 2, 4)), a[1].handed_over(vn(2026, 1, 27))
    a[1].resolved(vn(2026, 2, 3)), a[1].returned(vn(2026, 2, 4))
    # A2: resolved at 01:00 on the due day (18:00 UTC the day before): on time, not early.
    a[2].received(vn(2026, 2, 2), due(2026, 2, 5))
    a[2].resolved(datetime(2026, 2, 4, 18, 0, tzinfo=UTC)), a[2].returned(vn(2026, 2, 5))
    # A3: due the Friday before Tết, resolved after it: late.
    (
        a[3].received(vn(2026, 2, 10), due(2026, 2, 13)),
        a[3].resolved(vn(2026, 2, 24)),
        a[3].returned(vn(2026, 2, 25)),
    )
    # A4: apology on 12 Feb with a new date, resolved on that new date: still late.
    (
        a[4].received(vn(2026, 2, 11), due(2026, 2, 13)),
        a[4].apology(vn(2026, 2, 12), due(2026, 2, 25)),
    )
    a[4].handed_over(vn(2026, 2, 23)), a[4].resolved(vn(2026, 2, 25))
    # A5: withdrawn by the citizen.
    a[5].received(vn(2026, 2, 12), due(2026, 2, 26)), a[5].withdrawn(vn(2026, 2, 23))
    # A6: refused at the desk: never received.
    a[6].refused_at_desk(vn(2026, 2, 9))
    # A7: resolved early, the outcome a refusal.
    a[7].received(vn(2026, 2, 23), due(2026, 2, 26)), a[7].resolved(vn(2026, 2, 25), L.REFUSED)
    # A8: still open, due 5 March: within time.
    a[8].received(vn(2026, 2, 26), due(2026, 3, 5))
    # A9: still open, due 24 Feb: overdue.
    a[9].received(vn(2026, 2, 13), due(2026, 2, 24)), a[9].handed_over(vn(2026, 2, 14))
    # A10: a linked "3 in 1" dossier; two agencies' tasks have their own codes; resolved on time.
    a[10].received(vn(2026, 2, 3), due(2026, 2, 12), child_codes=("A10-1", "A10-2"))
    for task, agency in zip(tasks, ("cong-an", "bhxh"), strict=True):
        task.received(vn(2026, 2, 3), due(2026, 2, 10)), task.resolved(vn(2026, 2, 10))
        a[10].task_resolved(vn(2026, 2, 10), agency)
    a[10].resolved(vn(2026, 2, 12)), a[10].returned(vn(2026, 2, 12))
    # A11: received and resolved in January: not in February's figures at all.
    a[11].received(vn(2026, 1, 20), due(2026, 1, 23)), a[11].resolved(vn(2026, 1, 22))
    # A12: supplement asked on 3 Feb (clock stopped), papers on 10 Feb, new due 26 Feb, resolved
    # then: on time.
    a[12].received(vn(2026, 1, 29), due(2026, 2, 5)), a[12].supplement_requested(vn(2026, 2, 3))
    a[12].supplement_supplied(vn(2026, 2, 10), due(2026, 2, 26)), a[12].resolved(vn(2026, 2, 26))
    # B1: carried over, on time. B2: early. B3: late. B4: open, due 27 Feb: overdue on the 28th. B5:
    # refused at desk.
    b[1].received(vn(2026, 1, 30), due(2026, 2, 6)), b[1].resolved(vn(2026, 2, 6, 16))
    b[2].received(vn(2026, 2, 5), due(2026, 2, 12)), b[2].resolved(vn(2026, 2, 10))
    b[3].received(vn(2026, 2, 9), due(2026, 2, 11)), b[3].resolved(vn(2026, 2, 23))
    b[4].received(vn(2026, 2, 24), due(2026, 2, 27))
    b[5].refused_at_desk(vn(2026, 2, 25))
    answers = [
        survey_answer(a[1], S.VERY_SATISFIED, vn(2026, 2, 4), "o1"),
        survey_answer(a[2], S.SATISFIED, vn(2026, 2, 6), "o1"),
        survey_answer(a[3], S.UNSATISFIED, vn(2026, 2, 25), "o2"),
        survey_answer(a[10], S.SATISFIED, vn(2026, 2, 13), "o2"),
        survey_answer(a[12], S.VERY_SATISFIED, vn(2026, 3, 1), "o1"),  # March
        survey_answer(b[1], S.SATISFIED, vn(2026, 2, 7), "o3"),
    ]
    scripts = [*a.values(), *tasks, *b.values()]
    return [envelope for script in scripts for envelope in script.envelopes] + answers


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(NOW)


@pytest.fixture
def settings(
    amqp_url: str, mongodb_url: str, exchange_name: str, db_name: str
) -> ReportingSettings:
    return ReportingSettings(
        amqp_url=amqp_url,
        mongodb_url=mongodb_url,
        exchange=exchange_name,
        db_name=db_name,
        park_max_age_minutes=60,
        sweep_interval_seconds=3600,
        units_url="",
    )  # units_url="": no intake here to learn units from (tests/security checks it live)


@pytest_asyncio.fixture
async def app(settings, clock, mongo, amqp_cleanup):
    """The service as main wires it: lifespan = Mongo, indexes, broker, consumer, sweeper."""
    application = create_app(settings, clock=clock)
    async with application.router.lifespan_context(application):
        yield application


@pytest_asyncio.fixture
async def http(app):
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://reporting"
    ) as client:
        yield client


async def publish_events(amqp_url: str, exchange: str, envelopes: list[Envelope[Any]]) -> None:
    await publish(
        amqp_url, exchange, [(e.model_dump_json().encode(), e.routing_key) for e in envelopes]
    )


async def wait_until_projected(mongo, events: int) -> None:
    """Every distinct event applied and nothing left waiting."""

    async def done() -> bool:
        return (
            await mongo[PROCESSED_EVENTS].count_documents({}) == events
            and await mongo[PARKED_EVENTS].count_documents({}) == 0
        )

    await eventually(done, timeout=60)


@pytest_asyncio.fixture
async def projected_month(app, mongo, amqp_url, exchange_name):
    events = february()
    await publish_events(amqp_url, exchange_name, events)
    await wait_until_projected(mongo, len(events))
    return events


@pytest_asyncio.fixture
async def keys(app):
    """X-API-Key headers: province 79, province 92, and a set of units in 79."""
    api_keys = app.state.services.api_keys
    made = {}
    for name, scope in (
        ("p79", AccessScope(province="79")),
        ("p92", AccessScope(province="92")),
        ("units", AccessScope(units=frozenset({UNIT_A.code, "26737"}))),
    ):
        _, key = await api_keys.create(name, scope)
        made[name] = {"X-API-Key": key}
    return made


def leader(
    settings: ReportingSettings, unit: str, roles: tuple[str, ...] = ("leader",)
) -> dict[str, str]:
    token = mint_token(settings.jwt_secret, "lanhdao01", unit, list(roles), hours=1)
    return {"Authorization": f"Bearer {token}"}
