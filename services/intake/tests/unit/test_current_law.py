"""The rules of Decree 118/2025/NĐ-CP and Circular 03/2025/TT-VPCP (as amended) that intake
builds to: the apology's timing and once-only new date, the dossier code's growing sequence and
electronic identifier, and the per-procedure cut-off."""

from datetime import date, datetime, time

import pytest

from motcua_shared.vietnam.timeutil import VN_TZ

from intake.app import processing
from intake.app.receive import receive_dossier
from intake.domain.calendar import WorkingCalendar
from intake.domain.catalogue import TimeLimit, Unit, UnitLevel
from intake.domain.codes import dossier_code
from intake.domain.dossier_parts import ApologyRule
from intake.domain.errors import IllegalTransition, RuleViolation

from .fakes import fake_app
from .test_use_cases import DESK, SPECIALIST, TUESDAY_10AM, local_day, submission

CAL = WorkingCalendar()


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


async def test_a_second_apology_is_refused_and_the_first_date_stays() -> None:
    app, store, _ = fake_app(TUESDAY_10AM)
    code = (await receive_dossier(app, DESK, submission())).code  # due Tue 17 Mar
    await processing.apologise(app, SPECIALIST, code, date(2026, 3, 24), "Cần xác minh")
    events = len(store.events)
    with pytest.raises(IllegalTransition) as refused:
        await processing.apologise(app, SPECIALIST, code, date(2026, 3, 31), "Lần hai")
    assert "một lần" in refused.value.detail_vi and "only once" in refused.value.detail_en
    assert (
        local_day(store.dossiers[code].due_at) == date(2026, 3, 24) and len(store.events) == events
    )


async def test_a_new_date_past_the_calendar_is_refused_and_nothing_changes() -> None:
    """Found by schemathesis: 9999-12-31 overflowed the deadline planner (a 500)."""
    app, store, _ = fake_app(TUESDAY_10AM)
    code = (await receive_dossier(app, DESK, submission())).code
    events = len(store.events)
    with pytest.raises(RuleViolation) as refused:
        await processing.apologise(app, SPECIALIST, code, date(9999, 12, 31), "Cần xác minh")
    assert refused.value.field == "new_due_date"
    assert (
        local_day(store.dossiers[code].due_at) == date(2026, 3, 17) and len(store.events) == events
    )


async def test_no_apology_on_the_last_day_but_the_working_day_before_is_in_time() -> None:
    app, store, clock = fake_app(TUESDAY_10AM)
    late = (await receive_dossier(app, DESK, submission())).code  # due Tue 17 Mar
    in_time = (await receive_dossier(app, DESK, submission())).code
    clock.now = vn(2026, 3, 17, 8)  # the due day itself, early in the morning
    with pytest.raises(IllegalTransition) as refused:
        await processing.apologise(app, SPECIALIST, late, date(2026, 3, 24), "Muộn")
    assert "hạn cuối" in refused.value.detail_vi and "last day" in refused.value.detail_en
    assert local_day(store.dossiers[late].due_at) == date(2026, 3, 17)
    clock.now = vn(2026, 3, 16, 16, 59)  # Monday, the working day before
    dossier = await processing.apologise(
        app, SPECIALIST, in_time, date(2026, 3, 24), "Cần xác minh"
    )
    assert local_day(dossier.due_at) == date(2026, 3, 24)


async def test_apology_rule_is_a_setting() -> None:
    app, _, clock = fake_app(TUESDAY_10AM)
    app.apology_rule = ApologyRule(lead_working_days=3, max_extensions=2)
    code = (await receive_dossier(app, DESK, submission())).code  # due Tue 17 Mar
    clock.now = vn(2026, 3, 13, 9)  # Friday: Mon 16, Tue 17 → only 2 working days left
    with pytest.raises(IllegalTransition):
        await processing.apologise(app, SPECIALIST, code, date(2026, 3, 24), "x")
    clock.now = vn(2026, 3, 12, 9)  # Thursday: 3 working days left
    await processing.apologise(app, SPECIALIST, code, date(2026, 3, 24), "x")
    await processing.apologise(
        app, SPECIALIST, code, date(2026, 3, 31), "x"
    )  # a second one is allowed here


def test_the_daily_sequence_has_four_digits_and_keeps_growing() -> None:
    day = date(2026, 3, 10)
    assert dossier_code("26734", day, 1) == "26734-260310-0001"
    assert dossier_code("26734", day, 9999) == "26734-260310-9999"
    assert dossier_code("26734", day, 10000) == "26734-260310-10000"
    assert len({dossier_code("26734", day, n) for n in range(1, 10002)}) == 10001
    with pytest.raises(ValueError):
        dossier_code("26734", day, 0)


async def test_the_ten_thousandth_dossier_of_a_day_is_received() -> None:
    app, store, _ = fake_app(TUESDAY_10AM)
    store.counters["26734:20260310"] = 9999
    dossier = await receive_dossier(app, DESK, submission())
    assert dossier.code == "26734-260310-10000"


async def test_the_code_starts_with_the_units_electronic_identifier_when_known() -> None:
    app, _, _ = fake_app(TUESDAY_10AM)
    unit = await app.catalogue.unit("26734")
    assert unit is not None and unit.code_prefix == "26734"
    app.catalogue._units["26734"] = unit.model_copy(update={"electronic_id": "000.00.34.H58"})  # type: ignore[attr-defined]
    dossier = await receive_dossier(app, DESK, submission())
    assert dossier.code == "000.00.34.H58-260310-0001" and dossier.unit_code == "26734"
    with pytest.raises(ValueError):
        Unit(code="1", name="x", level=UnitLevel.COMMUNE, province_code="1", electronic_id="a/b")


def test_receipt_after_the_cut_off_counts_from_the_next_working_day() -> None:
    five = TimeLimit(working_days=5)  # default cut-off 15:00
    assert five.cutoff == time(15, 0)
    assert CAL.due_date(vn(2026, 3, 10, 15, 0), five) == date(2026, 3, 17)  # 15:00:00 is in time
    assert CAL.due_date(vn(2026, 3, 10, 15, 0, 1), five) == date(2026, 3, 18)
    # Friday after 15:00 → counted from Monday.
    assert CAL.due_date(vn(2026, 3, 13, 16), TimeLimit(working_days=1)) == date(2026, 3, 17)


def test_the_cut_off_is_per_procedure() -> None:
    late_cutoff = TimeLimit(working_days=5, cutoff=time(16, 30))
    no_cutoff = TimeLimit(working_days=5, cutoff=None)
    assert CAL.due_date(vn(2026, 3, 10, 16), late_cutoff) == date(2026, 3, 17)
    assert CAL.due_date(vn(2026, 3, 10, 16, 31), late_cutoff) == date(2026, 3, 18)
    assert CAL.due_date(vn(2026, 3, 10, 23), no_cutoff) == date(2026, 3, 17)
    with pytest.raises(ValueError):
        TimeLimit(working_days=0, cutoff=None)  # same day needs a cut-off
