"""At risk before the due date: the 75th percentile of the procedure's past step durations."""

from datetime import date, datetime

from motcua_shared.contract.dossier_events import DossierDueSoon, ResolutionOutcome

from intake.app import processing, resolve
from intake.app.deadlines import fire_due_deadlines
from intake.app.receive import receive_dossier
from intake.domain.at_risk import at_risk, predicted_resolution, step_samples
from intake.domain.calendar import WorkingCalendar

from .fakes import fake_app
from .test_use_cases import DESK, SPECIALIST, TUESDAY_10AM, VN_TZ, submission

CAL = WorkingCalendar()


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


def test_the_estimate_is_the_75th_percentile_and_needs_five_samples() -> None:
    entered = vn(2026, 3, 10, 9)  # Tuesday
    assert predicted_resolution([1, 2, 3, 9], entered, CAL) is None  # too few: no opinion
    # sorted [1, 2, 3, 4, 9, 9, 9, 10]: 75th percentile = the 6th = 9 working days → Mon 23 Mar
    assert predicted_resolution([9, 1, 4, 2, 9, 3, 10, 9], entered, CAL) == date(2026, 3, 23)
    assert at_risk([9, 1, 4, 2, 9, 3, 10, 9], entered, vn(2026, 3, 20, 23), CAL)
    assert not at_risk([9, 1, 4, 2, 9, 3, 10, 9], entered, vn(2026, 3, 23, 23), CAL)
    assert not at_risk([1, 1, 1, 1, 1], entered, vn(2026, 3, 11, 23), CAL)


async def test_resolved_dossiers_teach_the_estimate_and_a_slow_step_marks_the_next_one() -> None:
    app, store, clock = fake_app(TUESDAY_10AM)
    for _ in range(5):  # five dossiers whose specialist step took 4 working days
        clock.now = TUESDAY_10AM
        code = (await receive_dossier(app, DESK, submission())).code
        await processing.hand_over(app, DESK, code, "cm-01", "chuyen-mon", None)
        clock.now = vn(2026, 3, 16, 10)
        await resolve.resolve(app, SPECIALIST, code, ResolutionOutcome.APPROVED, None)
    assert await app.step_history.samples("1.001699", "chuyen-mon") == [4] * 5
    clock.now = vn(2026, 3, 12, 10)  # Thursday: due Thu 19; Thu + 4 = Wed 18, in time
    early = (await receive_dossier(app, DESK, submission())).code
    assert not (await processing.hand_over(app, DESK, early, "cm-01", "chuyen-mon", None)).at_risk
    late = (await receive_dossier(app, DESK, submission())).code
    clock.now = vn(2026, 3, 16, 10)  # handed over on Monday: Mon + 4 = Fri 20 > Thu 19
    dossier = await processing.hand_over(app, DESK, late, "cm-01", "chuyen-mon", None)
    assert dossier.at_risk
    clock.now = vn(2026, 3, 17, 0, 5)  # the due-soon warning says so
    await fire_due_deadlines(app)
    warnings = {
        e.aggregate_id: e.payload.at_risk
        for e in store.events
        if isinstance(e.payload, DossierDueSoon)
    }
    assert warnings == {early: False, late: True}


def test_samples_from_a_dossiers_history() -> None:
    from motcua_shared.contract.dossier_events import DossierStatus as S

    from intake.domain.dossier_parts import HistoryEntry

    history = [
        HistoryEntry(
            version=1,
            action="receive",
            from_status=None,
            status=S.RECEIVED,
            officer_id="d",
            at=vn(2026, 3, 10, 9),
        ),
        HistoryEntry(
            version=2,
            action="hand-over",
            from_status=S.RECEIVED,
            status=S.IN_PROGRESS,
            officer_id="d",
            at=vn(2026, 3, 11, 9),
            details={"step": "chuyen-mon"},
        ),
        HistoryEntry(
            version=3,
            action="hand-over",
            from_status=S.IN_PROGRESS,
            status=S.IN_PROGRESS,
            officer_id="c",
            at=vn(2026, 3, 16, 9),
            details={"step": "lanh-dao-ky"},
        ),
    ]
    assert step_samples(history, vn(2026, 3, 17, 15), CAL) == {
        "tiep-nhan": [5],
        "chuyen-mon": [4],
        "lanh-dao-ky": [1],
    }
