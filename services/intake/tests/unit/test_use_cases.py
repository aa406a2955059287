"""The use cases on in-memory fakes of intake's ports: codes, due dates, events, rules."""

import asyncio
from datetime import date, datetime

import pytest

from motcua_shared.contract.dossier_events import (
    ApologyIssued,
    Channel,
    DossierHandedOver,
    DossierReceived,
    DossierRefusedAtDesk,
    DossierResolved,
    HomeVisitScheduled,
    LinkedTaskResolved,
    ResolutionOutcome,
    ResultReturned,
    ReturnMethod,
    SupplementRequested,
    SupplementSupplied,
)
from motcua_shared.contract.dossier_events import (
    DossierStatus as S,
)
from motcua_shared.vietnam.timeutil import VN_TZ

from intake.app import closing, home_visits, processing, resolve, supplements
from intake.app.context import Actor
from intake.app.public_lookup import TooManyAttempts, look_up
from intake.app.receive import Submission, receive_dossier
from intake.domain.citizen import Citizen
from intake.domain.dossier import Dossier
from intake.domain.dossier_parts import ClockPolicy
from intake.domain.errors import IllegalTransition, NotFound, RuleViolation, WrongUnit
from intake.domain.lifecycle import DeskCheck

from .fakes import FakeUnitOfWork, fake_app

DESK = Actor("desk-01", "26734")
SPECIALIST = Actor("cm-01", "26734")
CITIZEN = Citizen(
    full_name="Trần Thị Bích",
    cccd="079203001234",
    phone="+84912345678",
    address="5 Hai Bà Trưng",
    consent=True,
)
TUESDAY_10AM = datetime(2026, 3, 10, 10, 0, tzinfo=VN_TZ)


def submission(
    procedure: str = "1.001699", check: DeskCheck = DeskCheck.COMPLETE, **kw
) -> Submission:  # type: ignore[no-untyped-def]
    return Submission(
        procedure_code=procedure, channel=Channel.DIRECT, desk_check=check, citizen=CITIZEN, **kw
    )


def local_day(moment: datetime | None) -> date:
    assert moment is not None
    return moment.astimezone(VN_TZ).date()


async def test_codes_are_a_daily_sequence_per_unit() -> None:
    app, _, clock = fake_app(TUESDAY_10AM)
    first = await receive_dossier(app, DESK, submission())
    second = await receive_dossier(app, DESK, submission())
    other_unit = await receive_dossier(app, Actor("desk-02", "31261"), submission())
    clock.advance(days=1)
    next_day = await receive_dossier(app, DESK, submission())
    assert [first.code, second.code, other_unit.code, next_day.code] == [
        "26734-260310-0001",
        "26734-260310-0002",
        "31261-260310-0001",
        "26734-260311-0001",
    ]


async def test_receipts_that_wait_together_share_one_transaction_and_leave_no_gap() -> None:
    """Desks of one unit at once (all four arrive before the first write starts): one
    transaction, codes in arrival order; one the desk check refuses (an incomplete dossier needs
    its missing papers listed) gets its error and takes no code."""
    app, store, _ = fake_app(TUESDAY_10AM)
    uow = app.uow
    assert isinstance(uow, FakeUnitOfWork)
    answers = await asyncio.gather(
        receive_dossier(app, DESK, submission(correlation_id="a")),
        receive_dossier(app, DESK, submission(correlation_id="b")),
        receive_dossier(app, DESK, submission(check=DeskCheck.INCOMPLETE)),
        receive_dossier(app, DESK, submission(correlation_id="c")),
        return_exceptions=True,
    )
    assert [getattr(a, "code", None) for a in answers] == [
        "26734-260310-0001",
        "26734-260310-0002",
        None,
        "26734-260310-0003",
    ]
    assert isinstance(answers[2], RuleViolation)
    assert uow.commits == 1
    assert sorted(store.dossiers) == [a.code for a in answers if isinstance(a, Dossier)]
    assert [e.correlation_id for e in store.events] == ["a", "b", "c"]


async def test_receipt_event_carries_every_fact_consumers_need() -> None:
    app, store, _ = fake_app(TUESDAY_10AM)
    dossier = await receive_dossier(app, DESK, submission(correlation_id="corr-1"))
    assert local_day(dossier.due_at) == date(2026, 3, 17)  # 5 working days
    [envelope] = store.events
    payload = envelope.payload
    assert isinstance(payload, DossierReceived)
    assert (
        envelope.aggregate_id,
        envelope.aggregate_version,
        envelope.unit_code,
        envelope.correlation_id,
    ) == (dossier.code, 1, "26734", "corr-1")
    assert payload.unit_name == "UBND phường Tân Định" and payload.province_code == "79"
    assert (payload.procedure_code, payload.field_code, payload.channel) == (
        "1.001699",
        "ldtbxh",
        Channel.DIRECT,
    )
    assert payload.status is S.RECEIVED and payload.officer_id == "desk-01"
    assert payload.received_at == TUESDAY_10AM and payload.due_at == dossier.due_at
    assert payload.contact.phone == "+84912345678" and payload.contact.consent
    assert (
        "079203001234" not in envelope.model_dump_json()
        and "Bích" not in envelope.model_dump_json()
    )


async def test_incomplete_dossier_waits_for_papers_then_is_received() -> None:
    app, store, clock = fake_app(TUESDAY_10AM)
    dossier = await receive_dossier(
        app, DESK, submission(check=DeskCheck.INCOMPLETE, missing_papers=["Đơn đề nghị"])
    )
    assert dossier.status is S.AWAITING_PAPERS and dossier.due_at is None
    clock.advance(days=2)  # Thursday
    dossier = await supplements.supply_papers(app, DESK, dossier.code)
    assert dossier.status is S.RECEIVED and local_day(dossier.due_at) == date(2026, 3, 19)
    kinds = [(type(e.payload), e.aggregate_version) for e in store.events]
    assert kinds == [(SupplementRequested, 1), (SupplementSupplied, 2), (DossierReceived, 3)]
    assert store.events[0].payload.stage == "desk" and store.events[1].payload.stage == "desk"


async def test_incomplete_needs_the_missing_papers_and_leaves_nothing_behind() -> None:
    app, store, _ = fake_app(TUESDAY_10AM)
    with pytest.raises(RuleViolation) as refused:
        await receive_dossier(app, DESK, submission(check=DeskCheck.INCOMPLETE))
    assert refused.value.field == "missing_papers"
    assert store.dossiers == {} and store.counters == {} and store.events == []


async def test_refusal_at_the_desk_needs_a_reason() -> None:
    app, store, _ = fake_app(TUESDAY_10AM)
    with pytest.raises(RuleViolation):
        await receive_dossier(app, DESK, submission(check=DeskCheck.INELIGIBLE))
    dossier = await receive_dossier(
        app, DESK, submission(check=DeskCheck.INELIGIBLE, reason="Không thuộc thẩm quyền")
    )
    assert dossier.status is S.REFUSED_AT_DESK and dossier.code.endswith("-0001")
    assert isinstance(store.events[0].payload, DossierRefusedAtDesk)


async def test_unknown_procedure_is_refused() -> None:
    app, store, _ = fake_app(TUESDAY_10AM)
    with pytest.raises(RuleViolation) as refused:
        await receive_dossier(app, DESK, submission(procedure="9.999999"))
    assert refused.value.field == "procedure_code" and store.dossiers == {}


async def test_full_path_versions_and_history() -> None:
    app, store, clock = fake_app(TUESDAY_10AM)
    code = (await receive_dossier(app, DESK, submission())).code
    await processing.hand_over(app, SPECIALIST, code, "cm-02", "chuyen-mon", None)
    await supplements.request_supplement(
        app, SPECIALIST, code, ["Giấy xác nhận cũ"], "Thiếu bản gốc"
    )
    clock.advance(hours=1)
    await supplements.supply_papers(app, DESK, code)
    await processing.hand_over(app, SPECIALIST, code, "ld-01", "lanh-dao-ky", "Trình ký")
    await resolve.resolve(app, SPECIALIST, code, ResolutionOutcome.APPROVED, None)
    dossier = await closing.return_result(app, DESK, code, ReturnMethod.AT_DESK)
    assert dossier.status is S.RETURNED and dossier.version == 7
    assert [e.aggregate_version for e in store.events] == [1, 2, 3, 4, 5, 6, 7]
    assert [h.officer_id for h in dossier.history] == [
        "desk-01",
        "cm-01",
        "cm-01",
        "desk-01",
        "cm-01",
        "cm-01",
        "desk-01",
    ]
    handed = [e.payload for e in store.events if isinstance(e.payload, DossierHandedOver)]
    assert [(h.from_officer_id, h.to_officer_id, h.step) for h in handed] == [
        ("cm-01", "cm-02", "chuyen-mon"),
        ("cm-01", "ld-01", "lanh-dao-ky"),
    ]
    returned = store.events[-1].payload
    assert isinstance(returned, ResultReturned) and returned.outcome is ResolutionOutcome.APPROVED


@pytest.mark.parametrize(
    ("policy", "expected_due"),
    [
        (ClockPolicy.RESTART, date(2026, 3, 25)),  # 5 working days again from Wed 18 Mar
        (ClockPolicy.PAUSE, date(2026, 3, 19)),  # Tue 17 + the 2 working days waited (17, 18)
    ],
)
async def test_supplement_during_processing_moves_the_due_date(
    policy: ClockPolicy, expected_due: date
) -> None:
    app, store, clock = fake_app(TUESDAY_10AM, policy)
    code = (await receive_dossier(app, DESK, submission())).code  # due Tue 17 Mar
    clock.advance(days=6)  # Monday 16 Mar
    await supplements.request_supplement(app, SPECIALIST, code, ["Ảnh"], "Thiếu ảnh")
    clock.advance(days=2)  # Wednesday 18 Mar, past the old due date
    dossier = await supplements.supply_papers(app, DESK, code)
    assert dossier.status is S.IN_PROGRESS and local_day(dossier.due_at) == expected_due
    supplied = store.events[-1].payload
    assert isinstance(supplied, SupplementSupplied) and supplied.stage == "processing"
    assert supplied.due_at == dossier.due_at


async def test_apology_only_before_the_due_date_and_for_a_later_working_day() -> None:
    app, store, clock = fake_app(TUESDAY_10AM)
    code = (await receive_dossier(app, DESK, submission())).code  # due Tue 17 Mar
    with pytest.raises(RuleViolation):
        await processing.apologise(app, SPECIALIST, code, date(2026, 3, 16), "Cần xác minh")
    with pytest.raises(RuleViolation):
        await processing.apologise(app, SPECIALIST, code, date(2026, 3, 21), "Thứ Bảy")
    dossier = await processing.apologise(app, SPECIALIST, code, date(2026, 3, 24), "Cần xác minh")
    assert local_day(dossier.due_at) == date(2026, 3, 24)
    apology = store.events[-1].payload
    assert isinstance(apology, ApologyIssued) and local_day(apology.previous_due_at) == date(
        2026, 3, 17
    )
    clock.advance(days=15)
    with pytest.raises(IllegalTransition):
        await processing.apologise(app, SPECIALIST, code, date(2026, 4, 10), "Quá hạn")


async def test_refusal_needs_a_reason_and_illegal_moves_change_nothing() -> None:
    app, store, _ = fake_app(TUESDAY_10AM)
    code = (await receive_dossier(app, DESK, submission())).code
    with pytest.raises(RuleViolation):
        await resolve.resolve(app, SPECIALIST, code, ResolutionOutcome.REFUSED, None)
    with pytest.raises(IllegalTransition) as refused:
        await closing.return_result(app, DESK, code, ReturnMethod.AT_DESK)
    assert refused.value.current is S.RECEIVED
    assert store.dossiers[code].version == 1 and len(store.events) == 1


async def test_linked_dossier_is_resolved_by_its_last_task() -> None:
    app, store, _ = fake_app(TUESDAY_10AM)
    dossier = await receive_dossier(app, DESK, submission("LT-KS-TT-BHYT"))
    assert store.events[0].payload.child_codes == [
        f"{dossier.code}-tu-phap",
        f"{dossier.code}-cong-an",
        f"{dossier.code}-bhxh",
    ]
    assert [local_day(t.due_at) for t in dossier.tasks] == [
        date(2026, 3, 11),
        date(2026, 3, 19),
        date(2026, 3, 17),
    ]
    with pytest.raises(IllegalTransition):
        await resolve.resolve(app, SPECIALIST, dossier.code, ResolutionOutcome.APPROVED, None)
    for agency in ("tu-phap", "cong-an"):
        dossier = await resolve.resolve_task(
            app, SPECIALIST, dossier.code, agency, ResolutionOutcome.APPROVED, None
        )
        assert dossier.status is S.RECEIVED
    with pytest.raises(IllegalTransition):
        await resolve.resolve_task(
            app, SPECIALIST, dossier.code, "cong-an", ResolutionOutcome.APPROVED, None
        )
    with pytest.raises(NotFound):
        await resolve.resolve_task(
            app, SPECIALIST, dossier.code, "thue", ResolutionOutcome.APPROVED, None
        )
    dossier = await resolve.resolve_task(
        app, SPECIALIST, dossier.code, "bhxh", ResolutionOutcome.REFUSED, "Sai mã BHXH"
    )
    assert dossier.status is S.RESOLVED and dossier.outcome is ResolutionOutcome.REFUSED
    tail = [(type(e.payload), e.aggregate_version, e.payload.status) for e in store.events[-2:]]
    assert tail == [(LinkedTaskResolved, 4, S.RECEIVED), (DossierResolved, 5, S.RESOLVED)]
    assert store.events[-1].payload.reason == "Bảo hiểm xã hội: Sai mã BHXH"
    # The task's event is the parent dossier's own (its code, its versions): not a child's.
    assert (
        store.events[-2].aggregate_id == dossier.code
        and store.events[-2].payload.parent_code is None
    )
    assert store.events[-2].payload.agency == "bhxh"


async def test_home_visit_follows_the_unit_rule() -> None:
    app, store, _ = fake_app(datetime(2026, 3, 2, 9, tzinfo=VN_TZ))
    code = (await receive_dossier(app, Actor("desk-bt", "26929"), submission())).code
    dossier = await home_visits.schedule_home_visit(
        app, Actor("desk-bt", "26929"), code, True, "receive"
    )
    assert dossier.home_visits[0].visit_date == date(2026, 3, 20)  # Friday after the third Thursday
    event = store.events[-1]
    assert isinstance(event.payload, HomeVisitScheduled) and event.payload.status is S.RECEIVED
    with pytest.raises(IllegalTransition):
        await home_visits.schedule_home_visit(app, Actor("desk-bt", "26929"), code, False, "return")
    await resolve.resolve(app, Actor("cm-bt", "26929"), code, ResolutionOutcome.APPROVED, None)
    with pytest.raises(IllegalTransition):  # nothing left to receive once the result is ready
        await home_visits.schedule_home_visit(
            app, Actor("desk-bt", "26929"), code, False, "receive"
        )
    dossier = await home_visits.schedule_home_visit(
        app, Actor("desk-bt", "26929"), code, False, "return"
    )
    assert dossier.home_visits[-1].purpose == "return" and dossier.status is S.RESOLVED
    assert (
        len(store.events) == 4
    )  # received, visit, resolved, visit: the refused ones left no trace


async def test_officers_act_only_on_their_units_dossiers() -> None:
    app, _, _ = fake_app(TUESDAY_10AM)
    code = (await receive_dossier(app, DESK, submission())).code
    with pytest.raises(WrongUnit):
        await processing.hand_over(app, Actor("cm-x", "31261"), code, "cm-y", "chuyen-mon", None)
    with pytest.raises(NotFound):
        await processing.hand_over(app, SPECIALIST, "26734-260310-9999", "cm-y", "chuyen-mon", None)


async def test_public_look_up_hides_which_part_was_wrong_and_limits_failures() -> None:
    app, _, clock = fake_app(TUESDAY_10AM)
    code = (await receive_dossier(app, DESK, submission())).code
    assert (await look_up(app, "1.2.3.4", code, "5678")).code == code
    for _ in range(10):  # opening a link without the digits is no guess: never counted
        with pytest.raises(NotFound):
            await look_up(app, "1.2.3.4", code, None)
    for wrong in [("26734-260310-0009", "5678"), (code, "1234"), (code, "12"), (code, "678")]:
        with pytest.raises(NotFound):
            await look_up(app, "1.2.3.4", *wrong)
    with pytest.raises(NotFound):
        await look_up(app, "1.2.3.4", code, "0000")
    with pytest.raises(TooManyAttempts):
        await look_up(app, "1.2.3.4", code, "5678")  # blocked even with the right digits
    assert (await look_up(app, "5.6.7.8", code, "5678")).code == code  # per client
    clock.advance(minutes=16)
    assert (await look_up(app, "1.2.3.4", code, "5678")).code == code
