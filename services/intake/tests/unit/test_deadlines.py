"""Deadlines that warn: due soon, overdue and step overdue, each once, found through the
dossier's next deadline, surviving restarts and clock changes (domain/deadlines.py)."""

from datetime import date, datetime, timedelta

from motcua_shared.contract.dossier_events import (
    DossierDueSoon,
    DossierOverdue,
    DossierStepOverdue,
    ResolutionOutcome,
)

from intake.app import processing, resolve, supplements
from intake.app.deadlines import fire_due_deadlines
from intake.app.receive import receive_dossier
from intake.domain.calendar import WorkingCalendar
from intake.domain.deadlines import DeadlineKind, DeadlineRule, alarms, start_of_day

from .fakes import FakeOfficers, fake_app
from .test_use_cases import DESK, SPECIALIST, TUESDAY_10AM, VN_TZ, local_day, submission

CAL = WorkingCalendar()
OFFICERS = {
    "desk-01": {"unit": "26734", "roles": ["desk"], "email": "desk01@tandinh.gov.vn"},
    "cm-01": {"unit": "26734", "roles": ["specialist"], "email": "cm01@tandinh.gov.vn"},
    "ld-01": {"unit": "26734", "roles": ["leader"], "email": "ld01@tandinh.gov.vn"},
    "ld-old": {"unit": "26734", "roles": ["leader"], "disabled": True},
    "ld-other": {"unit": "31261", "roles": ["leader"]},
}


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


def deadline_events(store) -> list:  # type: ignore[no-untyped-def]
    return [
        e.payload
        for e in store.events
        if isinstance(e.payload, (DossierDueSoon, DossierOverdue, DossierStepOverdue))
    ]


async def _received(procedure: str = "1.001699"):  # type: ignore[no-untyped-def]
    app, store, clock = fake_app(TUESDAY_10AM)
    app.officers = FakeOfficers(OFFICERS)
    dossier = await receive_dossier(app, DESK, submission(procedure))  # 5 days: due Tue 17 Mar
    return app, store, clock, dossier.code


def test_alarm_times_on_the_calendar() -> None:
    due = vn(2026, 3, 17, 23, 59)
    pending = alarms(
        due_at=due,
        received_at=TUESDAY_10AM,
        step_due=None,
        step_key=None,
        fired=set(),
        calendar=CAL,
        rule=DeadlineRule(2),
    )
    assert [(a.kind, a.at) for a in pending] == [
        (DeadlineKind.DUE_SOON, start_of_day(date(2026, 3, 13))),  # Fri: Mon 16, Tue 17 left
        (DeadlineKind.OVERDUE, start_of_day(date(2026, 3, 18))),
    ]
    # Over Tết 2026 (16–20 Feb off): due Tue 24 Feb → warned Fri 13 Feb, overdue from Wed 25.
    pending = alarms(
        due_at=vn(2026, 2, 24, 23),
        received_at=vn(2026, 2, 2, 9),
        step_due=None,
        step_key=None,
        fired=set(),
        calendar=CAL,
        rule=DeadlineRule(2),
    )
    assert [a.at for a in pending] == [
        start_of_day(date(2026, 2, 13)),
        start_of_day(date(2026, 2, 25)),
    ]
    # A limit no longer than the warning: no due-soon at all.
    short = alarms(
        due_at=vn(2026, 3, 12, 23),
        received_at=TUESDAY_10AM,
        step_due=None,
        step_key=None,
        fired=set(),
        calendar=CAL,
        rule=DeadlineRule(2),
    )
    assert [a.kind for a in short] == [DeadlineKind.OVERDUE]
    assert (
        alarms(
            due_at=due,
            received_at=TUESDAY_10AM,
            step_due=None,
            step_key=None,
            fired={"due-soon", "overdue"},
            calendar=CAL,
            rule=DeadlineRule(2),
        )
        == []
    )


async def test_receipt_plans_the_first_alarm() -> None:
    app, store, _, code = await _received()
    dossier = store.dossiers[code]
    # 1.001699's desk step is 0 days: the first hand-over is due today, before the due-soon warning.
    assert dossier.step == "tiep-nhan" and local_day(dossier.step_due_at) == date(2026, 3, 10)
    assert dossier.next_deadline_at == dossier.step_due_at + timedelta(milliseconds=1)


async def test_due_soon_then_overdue_each_once_to_the_holder_then_the_leaders() -> None:
    app, store, clock, code = await _received()
    await processing.hand_over(app, DESK, code, "cm-01", "chuyen-mon", None)  # 3 days → Fri 13 Mar
    clock.now = vn(2026, 3, 12, 23, 59)
    assert await fire_due_deadlines(app) == 0
    clock.now = vn(2026, 3, 13, 0, 1)
    await fire_due_deadlines(app)
    [soon] = deadline_events(store)
    assert (
        isinstance(soon, DossierDueSoon)
        and soon.working_days_left == 2
        and soon.holder_id == "cm-01"
    )
    assert [(o.officer_id, o.role, o.email) for o in soon.officers] == [
        ("cm-01", "holder", "cm01@tandinh.gov.vn")
    ]
    await fire_due_deadlines(app)
    clock.now = vn(2026, 3, 11)  # the clock goes back: nothing again
    await fire_due_deadlines(app)
    clock.now = vn(2026, 3, 13, 12)
    await fire_due_deadlines(app)
    assert len(deadline_events(store)) == 1
    clock.now = vn(2026, 3, 21, 9)  # a jump forward past the step's and the dossier's due dates
    await fire_due_deadlines(app)
    kinds = [type(p) for p in deadline_events(store)]
    assert kinds == [DossierDueSoon, DossierStepOverdue, DossierOverdue]
    step, overdue = deadline_events(store)[1:]
    assert step.step == "chuyen-mon" and local_day(step.step_due_at) == date(2026, 3, 13)
    assert [(o.officer_id, o.role) for o in overdue.officers] == [
        ("cm-01", "holder"),
        ("ld-01", "leader"),
    ]
    assert store.dossiers[code].next_deadline_at is None
    clock.advance(days=30)
    assert await fire_due_deadlines(app) == 0 and len(deadline_events(store)) == 3
    versions = [e.aggregate_version for e in store.events]
    assert versions == list(
        range(1, len(versions) + 1)
    )  # fired alarms are dossier events, in order


async def test_each_hand_over_step_has_its_own_deadline_once() -> None:
    app, store, clock, code = await _received()
    clock.now = vn(2026, 3, 11, 8)  # the desk step (0 days) ended last night
    await fire_due_deadlines(app)
    [late_desk] = deadline_events(store)
    assert isinstance(late_desk, DossierStepOverdue) and late_desk.step == "tiep-nhan"
    await processing.hand_over(app, DESK, code, "cm-01", "chuyen-mon", None)
    dossier = store.dossiers[code]
    assert local_day(dossier.step_due_at) == date(2026, 3, 16)  # Wed 11 + 3 working days
    hand_over = store.events[-1].payload
    assert hand_over.step == "chuyen-mon"
    await processing.hand_over(
        app, SPECIALIST, code, "ld-01", "lanh-dao-ky", None
    )  # 1 day → Thu 12
    clock.now = vn(2026, 3, 13, 0, 5)
    await fire_due_deadlines(app)
    steps = [p for p in deadline_events(store) if isinstance(p, DossierStepOverdue)]
    assert [(s.step, s.holder_id) for s in steps] == [
        ("tiep-nhan", "desk-01"),
        ("lanh-dao-ky", "ld-01"),
    ]


async def test_a_supplement_stops_the_alarms_and_resolution_ends_them() -> None:
    app, store, clock, code = await _received()
    await processing.hand_over(app, DESK, code, "cm-01", "xu-ly", None)  # a step with no limit
    await supplements.request_supplement(app, SPECIALIST, code, ["Bản sao"], "Thiếu")
    assert store.dossiers[code].next_deadline_at is None
    clock.now = vn(2026, 3, 20, 9)
    assert await fire_due_deadlines(app) == 0 and deadline_events(store) == []
    dossier = await supplements.supply_papers(app, DESK, code)  # restart: due Fri 27 Mar
    assert dossier.next_deadline_at == start_of_day(date(2026, 3, 25))
    await resolve.resolve(app, SPECIALIST, code, ResolutionOutcome.APPROVED, None)
    assert store.dossiers[code].next_deadline_at is None


async def test_a_warning_missed_until_after_the_due_date_is_dropped_not_sent_late() -> None:
    app, store, clock, code = await _received()
    await processing.hand_over(app, DESK, code, "cm-01", "xu-ly", None)
    clock.now = vn(2026, 3, 19, 9)  # the scheduler was down from before the warning until now
    await fire_due_deadlines(app)
    assert [type(p) for p in deadline_events(store)] == [DossierOverdue]
    assert "due-soon" in store.dossiers[code].alarms_fired


async def test_the_warning_distance_is_a_setting_and_the_apology_moves_the_overdue_alarm() -> None:
    app, store, clock, code = await _received()
    app.deadline_rule = DeadlineRule(due_soon_working_days=4)
    await processing.hand_over(app, DESK, code, "cm-01", "xu-ly", None)
    assert store.dossiers[code].next_deadline_at == start_of_day(date(2026, 3, 11))  # Wed: 4 left
    await processing.apologise(app, SPECIALIST, code, date(2026, 3, 24), "Cần xác minh")
    assert store.dossiers[code].next_deadline_at == start_of_day(
        date(2026, 3, 18)
    )  # 4 before Tue 24
    clock.now = vn(2026, 3, 18, 1)
    await fire_due_deadlines(app)
    clock.now = vn(2026, 3, 18, 2)
    await fire_due_deadlines(app)
    clock.now = vn(2026, 3, 24, 23)
    assert await fire_due_deadlines(app) == 0  # not overdue on the new due day
    clock.now = vn(2026, 3, 25, 0, 1)
    await fire_due_deadlines(app)
    assert [type(p) for p in deadline_events(store)] == [DossierDueSoon, DossierOverdue]
