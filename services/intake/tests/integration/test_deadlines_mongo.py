"""The deadline scheduler on the real Mongo-wire server: the plan of its query (an index range
that never touches the open dossiers whose alarm is later), the officers' contacts read from
the `officers` accounts, and alarms fired once into the outbox even by two ticks racing."""

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from intake.adapters.mongo_deadlines import INDEX_NAME, MongoDeadlineIndex
from intake.adapters.mongo_officers import MongoOfficerDirectory
from intake.adapters.mongo_step_history import MongoStepHistory
from intake.app.deadlines import fire_due_deadlines, plan_unplanned
from intake.domain.calendar import WorkingCalendar, local_date
from intake.domain.deadlines import start_of_day

from .conftest import UNIT, Intake

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def _stages(plan: dict[str, Any]) -> list[dict[str, Any]]:
    found = [plan]
    for key in ("inputStage", "queryPlan"):
        if isinstance(plan.get(key), dict):
            found += _stages(plan[key])
    for child in plan.get("inputStages", []):
        found += _stages(child)
    return found


async def test_the_due_query_walks_only_the_due_range_of_its_index(mongo: AsyncDatabase) -> None:
    index = MongoDeadlineIndex(mongo)
    await index.ensure_index()
    later = [
        {"_id": f"later-{n}", "next_deadline_at": NOW + timedelta(days=1 + n % 30)}
        for n in range(400)
    ]
    idle = [{"_id": f"idle-{n}", "next_deadline_at": None} for n in range(100)]
    due = [{"_id": f"due-{n}", "next_deadline_at": NOW - timedelta(minutes=n)} for n in range(3)]
    await mongo.dossiers.insert_many(later + idle + due)

    assert await index.due(NOW, limit=2) == ["due-2", "due-1"]
    assert await index.due(NOW, limit=100) == ["due-2", "due-1", "due-0"]
    explained = await index.explain(NOW, limit=100)
    print("explain:", explained)
    stages = _stages(explained["queryPlanner"]["winningPlan"])
    ixscan = [s for s in stages if s.get("stage") == "IXSCAN"]
    assert ixscan and ixscan[0]["indexName"] == INDEX_NAME
    assert not any(
        s.get("stage") in ("COLLSCAN", "SORT") for s in stages
    )  # no scan, no blocking sort
    stats = explained.get("executionStats")
    if stats is not None:  # the due range only: 3 keys, not the 500 open or idle dossiers
        assert stats["totalDocsExamined"] <= 3 and stats["nReturned"] == 3


async def test_officer_contacts_holder_and_leaders_of_the_unit_only(mongo: AsyncDatabase) -> None:
    await mongo.officers.insert_many(
        [
            {
                "_id": "cv01",
                "unit": UNIT,
                "roles": ["specialist"],
                "email": "cv01@x.vn",
                "password_hash": "h",
                "full_name": "Lê Văn Cường",
                "disabled": False,
            },
            {
                "_id": "ld01",
                "unit": UNIT,
                "roles": ["leader", "admin"],
                "email": "ld01@x.vn",
                "phone": "+84912000111",
                "password_hash": "h",
            },
            {
                "_id": "ld02",
                "unit": UNIT,
                "roles": ["leader"],
                "disabled": True,
                "password_hash": "h",
            },
            {
                "_id": "ld09",
                "unit": "31261",
                "roles": ["leader"],
                "email": "ld09@x.vn",
                "password_hash": "h",
            },
        ]
    )
    directory = MongoOfficerDirectory(mongo)
    holder = await directory.contacts(UNIT, "cv01", leaders=False)
    assert [c.model_dump() for c in holder] == [
        {"officer_id": "cv01", "role": "holder", "email": "cv01@x.vn", "phone": None}
    ]
    both = await directory.contacts(UNIT, "cv01", leaders=True)
    assert [(c.officer_id, c.role, c.phone) for c in both] == [
        ("cv01", "holder", None),
        ("ld01", "leader", "+84912000111"),
    ]
    assert await directory.contacts(UNIT, "nobody", leaders=False) == []


async def test_alarms_fire_once_into_the_outbox_even_when_two_ticks_race(intake: Intake) -> None:
    await intake.db.officers.insert_one(
        {"_id": "desk-01", "unit": UNIT, "roles": ["desk"], "email": "d@x.vn"}
    )
    received = (await intake.receive("1.004227")).json()  # 10 working days; desk step 1 day
    app = intake.app.state.services.intake
    dossier = await app.dossiers.get(received["code"])
    calendar = WorkingCalendar()
    warn_at = start_of_day(calendar.subtract_working_days(local_date(dossier.due_at), 2))
    assert dossier.next_deadline_at == dossier.step_due_at + timedelta(milliseconds=1)
    app.clock = lambda: warn_at + timedelta(minutes=1)  # the desk step late, and the warning due
    await asyncio.gather(fire_due_deadlines(app), fire_due_deadlines(app))
    await fire_due_deadlines(app)
    events = [
        e
        async for e in intake.db.outbox.find({"aggregate_id": received["code"]}).sort(
            "aggregate_version", 1
        )
    ]
    kinds = [e["routing_key"] for e in events]
    assert kinds == ["dossier.received", "dossier.step_overdue", "dossier.due_soon"]
    soon = json.loads(events[-1]["body"])["payload"]
    assert soon["working_days_left"] == 2 and soon["officers"] == [
        {"officer_id": "desk-01", "role": "holder", "email": "d@x.vn", "phone": None}
    ]
    stored = await app.dossiers.get(received["code"])
    assert stored.next_deadline_at == start_of_day(
        calendar.next_working_day(local_date(stored.due_at))
    )


async def test_step_durations_keep_the_last_fifty_per_procedure_and_step(
    mongo: AsyncDatabase,
) -> None:
    history = MongoStepHistory(mongo)
    for n in range(60):
        await history.record("1.001699", {"chuyen-mon": [n], "tiep-nhan": [0]})
    await history.record("2.001035", {"chuyen-mon": [99]})
    assert await history.samples("1.001699", "chuyen-mon") == list(range(10, 60))
    assert await history.samples("2.001035", "chuyen-mon") == [99]
    assert await history.samples("1.001699", "lanh-dao-ky") == []


async def test_open_dossiers_stored_before_deadlines_get_planned_once(intake: Intake) -> None:
    app = intake.app.state.services.intake
    old = (await intake.receive("1.004227")).json()["code"]
    finished = (
        await intake.receive("1.004227", desk_check="ineligible", reason="Không thuộc thẩm quyền")
    ).json()
    await intake.db.dossiers.update_many(
        {}, {"$unset": {"next_deadline_at": ""}}
    )  # as written before them
    assert await MongoDeadlineIndex(intake.db).unplanned(10) == [old]
    version = (await app.dossiers.get(old)).version
    assert await plan_unplanned(app) == 1 and await plan_unplanned(app) == 0
    planned = await app.dossiers.get(old)
    assert (
        planned.next_deadline_at is not None and planned.version == version
    )  # planning is no event
    assert (await intake.db.dossiers.find_one({"_id": finished["code"]}))[
        "status"
    ] == "refused_at_desk"
