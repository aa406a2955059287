"""The dossier state and the counters each event adds."""

from datetime import date, timedelta

import pytest

from motcua_shared.contract.dossier_events import Channel, ResolutionOutcome

from reporting.domain import counts
from reporting.domain.dossier_projection import (
    OPEN_END,
    InconsistentEvent,
    apply_event,
    overdue_changes,
)
from reporting.domain.periods import local_day
from reporting.testing.event_scripts import DossierScript, Procedure, Unit, due, vn

UNIT = Unit("26734", "UBND phường Bình Thạnh", "79")
OTHER_UNIT = Unit("31120", "UBND phường Cái Khế", "92")
CERT = Procedure("1.001", "Chứng thực bản sao", "chung-thuc")


def replay(script: DossierScript):
    state, changes = None, []
    for envelope in script.envelopes:
        state, more = apply_event(state, envelope)
        changes += [(c.day, c.name) for c in more]
    return state, changes


def test_receipt_counts_by_channel_on_the_local_day():
    script = DossierScript("D1", UNIT, CERT, Channel.ONLINE)
    script.received(vn(2026, 2, 2, 0, 30), due(2026, 2, 5))
    state, changes = replay(script)
    assert changes == [(date(2026, 2, 2), counts.RECEIVED_BY_CHANNEL[Channel.ONLINE])]
    assert state.counted and state.overdue_until == OPEN_END


def test_papers_supplied_at_the_desk_are_one_receipt_whichever_event_says_it():
    script = DossierScript("D1b", UNIT, CERT, Channel.POSTAL)
    script.desk_papers_requested(vn(2026, 2, 2))
    waiting, changes = replay(script)
    assert changes == [] and not waiting.counted and waiting.overdue_until is None
    script.desk_papers_supplied(vn(2026, 2, 9), due(2026, 2, 12))
    script.resolved(vn(2026, 2, 13))
    state, changes = replay(script)
    assert changes == [
        (date(2026, 2, 9), counts.RECEIVED_BY_CHANNEL[Channel.POSTAL]),
        (date(2026, 2, 13), counts.RESOLVED_LATE),
    ]
    assert state.original_due_at == due(2026, 2, 12) and state.overdue_until == date(2026, 2, 13)


def test_linked_task_resolutions_of_the_parent_count_nothing_until_the_dossier_is_resolved():
    script = DossierScript("D1c", UNIT, CERT)
    script.received(vn(2026, 2, 3), due(2026, 2, 12))
    script.handed_over(vn(2026, 2, 4))
    script.task_resolved(vn(2026, 2, 6), "cong-an")
    script.task_resolved(vn(2026, 2, 13), "bhxh")  # the last task, a day late ...
    script.resolved(vn(2026, 2, 13))  # ... resolves the parent: one late resolution
    state, changes = replay(script)
    assert script.envelopes[2].payload.parent_code is None  # the parent's own events
    assert changes == [
        (date(2026, 2, 3), counts.RECEIVED_BY_CHANNEL[Channel.DIRECT]),
        (date(2026, 2, 13), counts.RESOLVED_LATE),
    ]
    assert state.counted and state.version == 5 and state.timeliness == "late"


def test_an_apology_does_not_make_a_late_resolution_on_time():
    script = DossierScript("D2", UNIT, CERT)
    script.received(vn(2026, 2, 11), due(2026, 2, 13))
    script.apology(vn(2026, 2, 12), due(2026, 2, 25))
    script.handed_over(vn(2026, 2, 23))  # echoes the apology's date as the one in force
    script.resolved(vn(2026, 2, 25))
    state, changes = replay(script)
    assert state.timeliness == "late"
    assert (state.original_due_at, state.due_at) == (due(2026, 2, 13), due(2026, 2, 25))
    assert state.apologised
    assert (date(2026, 2, 25), counts.RESOLVED_LATE) in changes
    assert state.overdue_until == date(2026, 2, 25)


def test_a_processing_supplement_stops_the_clock_and_restarts_it_with_a_new_due_date():
    script = DossierScript("D3", UNIT, CERT)
    script.received(vn(2026, 1, 29), due(2026, 2, 5))
    script.supplement_requested(vn(2026, 2, 3))
    stopped, _ = replay(script)
    assert stopped.clock_stopped
    script.supplement_supplied(vn(2026, 2, 10), due(2026, 2, 26))
    script.resolved(vn(2026, 2, 26, 15))
    state, changes = replay(script)
    assert not state.clock_stopped and state.timeliness == "on_time"
    assert state.original_due_at == due(2026, 2, 26) and state.overdue_until is None


def test_a_refused_outcome_is_a_resolution_and_a_refusal():
    script = DossierScript("D4", UNIT, CERT)
    script.received(vn(2026, 2, 23), due(2026, 2, 26))
    script.resolved(vn(2026, 2, 25), ResolutionOutcome.REFUSED)
    _, changes = replay(script)
    assert changes[1:] == [
        (date(2026, 2, 25), counts.RESOLVED_EARLY),
        (date(2026, 2, 25), counts.RESOLVED_REFUSED),
    ]


def test_withdrawal_and_refusal_at_the_desk():
    withdrawn = DossierScript("D5", UNIT, CERT, Channel.POSTAL)
    withdrawn.received(vn(2026, 2, 12), due(2026, 2, 26))
    withdrawn.withdrawn(vn(2026, 2, 23))
    state, changes = replay(withdrawn)
    assert changes[-1] == (date(2026, 2, 23), counts.WITHDRAWN) and state.overdue_until is None
    refused = DossierScript("D6", UNIT, CERT)
    refused.refused_at_desk(vn(2026, 2, 9))
    state, changes = replay(refused)
    assert changes == [(date(2026, 2, 9), counts.REFUSED_AT_DESK)] and not state.counted


def test_a_result_returned_without_a_resolution_event_still_resolves():
    script = DossierScript("D7", UNIT, CERT)
    script.received(vn(2026, 2, 2), due(2026, 2, 5))
    script.returned(vn(2026, 2, 6))
    state, changes = replay(script)
    assert state.timeliness == "late" and changes[-1] == (date(2026, 2, 6), counts.RESOLVED_LATE)


def test_a_child_task_of_a_linked_dossier_is_never_counted():
    child = DossierScript("D8-1", UNIT, CERT, parent_code="D8")
    child.received(vn(2026, 2, 3), due(2026, 2, 10))
    child.task_resolved(vn(2026, 2, 9), "cong-an")
    child.resolved(vn(2026, 2, 9))
    state, changes = replay(child)
    assert state.is_task and not state.counted and changes == []


@pytest.mark.parametrize("break_it", ["unit", "received_after_refusal", "resolved_before_receipt"])
def test_inconsistent_events_can_never_apply(break_it):
    script = DossierScript("D9", UNIT, CERT)
    if break_it == "received_after_refusal":
        script.refused_at_desk(vn(2026, 2, 2))
        script.received(vn(2026, 2, 3), due(2026, 2, 6))
    elif break_it == "unit":
        script.received(vn(2026, 2, 2), due(2026, 2, 5))
        script.unit = OTHER_UNIT
        script.handed_over(vn(2026, 2, 3))
    else:
        script.received(vn(2026, 2, 2), due(2026, 2, 5))
        script.resolved(vn(2026, 2, 1))
    with pytest.raises(InconsistentEvent):
        replay(script)


def test_warned_apologised_in_time_and_went_overdue_are_counted_once_each():
    script = DossierScript("D9", UNIT, CERT)
    script.received(vn(2026, 3, 10), due(2026, 3, 17))
    script.handed_over(vn(2026, 3, 10, 10))
    script.due_soon(vn(2026, 3, 13, 0, 1))
    script.due_soon(vn(2026, 3, 13, 0, 2))  # never twice, whatever intake sends
    script.apology(vn(2026, 3, 16), due(2026, 3, 24))
    script.overdue(vn(2026, 3, 25, 0, 1))
    script.overdue(vn(2026, 3, 26, 0, 1))
    script.resolved(vn(2026, 3, 26))
    state, changes = replay(script)
    assert changes == [
        (date(2026, 3, 10), counts.RECEIVED_BY_CHANNEL[Channel.DIRECT]),
        (date(2026, 3, 13), counts.WARNED),
        (date(2026, 3, 16), counts.APOLOGISED_IN_TIME),
        (date(2026, 3, 25), counts.WENT_OVERDUE),
        (date(2026, 3, 26), counts.RESOLVED_LATE),
    ]
    assert state.warned and state.went_overdue and state.timeliness == "late"


def test_an_apology_after_the_statutory_date_is_not_in_time():
    script = DossierScript("D10", UNIT, CERT)
    script.received(vn(2026, 3, 10), due(2026, 3, 12))
    script.apology(
        vn(2026, 3, 13), due(2026, 3, 20)
    )  # intake refuses this now; older data may hold it
    _, changes = replay(script)
    assert (date(2026, 3, 13), counts.APOLOGISED_IN_TIME) not in changes


def test_digitisation_and_payment_count_once_per_dossier():
    script = DossierScript("S1", UNIT, CERT)
    script.paper_digitised(vn(2026, 2, 2, 8))  # scanned at the desk, before the receipt
    script.received(vn(2026, 2, 2), due(2026, 2, 5))
    script.paper_digitised(vn(2026, 2, 3))  # a second paper: the dossier is already counted
    script.fee_paid(vn(2026, 2, 3, 10), method="online")
    script.resolved(vn(2026, 2, 4))
    script.result_digitised(vn(2026, 2, 4, 11))
    script.result_digitised(vn(2026, 2, 4, 12))
    state, changes = replay(script)
    service = [(day, name) for day, name in changes if name in counts.SERVICE_FIELDS]
    assert service == [
        (date(2026, 2, 2), counts.DIGITISED_PAPERS),
        (date(2026, 2, 3), counts.FEES_PAID_ONLINE),
        (date(2026, 2, 4), counts.DIGITISED_RESULTS),
    ]
    assert state.fee_settled == "online" and state.version == 7


def test_cash_and_waived_fees_are_counted_apart():
    cash, waived = DossierScript("S2", UNIT, CERT), DossierScript("S3", UNIT, CERT)
    cash.received(vn(2026, 2, 2), due(2026, 2, 5))
    cash.fee_paid(vn(2026, 2, 2, 9, 5), method="cash")
    waived.received(vn(2026, 2, 2), due(2026, 2, 5))
    waived.fee_waived(vn(2026, 2, 2, 9, 5))
    assert (date(2026, 2, 2), counts.FEES_PAID_CASH) in replay(cash)[1]
    assert (date(2026, 2, 2), counts.FEES_WAIVED) in replay(waived)[1]


def _overdue_on(state, day: date) -> bool:
    """What reports counted from the dossiers: due day < X < overdue_until, clock running."""
    until = state.overdue_until
    return (
        until is not None
        and not state.clock_stopped
        and local_day(state.original_due_at) < day < until
    )


def test_the_overdue_rollup_sums_to_the_dossiers_overdue_on_every_day_after_every_event():
    """counts.OVERDUE_CHANGE: the sum of the changes up to day X is 1 exactly on the days the
    dossier is overdue, whatever happened to it (clock stopped and restarted, new due date,
    apology, finished late)."""
    script = DossierScript("D-od", UNIT, CERT)
    script.received(vn(2026, 2, 2), due(2026, 2, 5))
    script.handed_over(vn(2026, 2, 3))
    script.supplement_requested(vn(2026, 2, 9))  # already late; the clock stops
    script.supplement_supplied(vn(2026, 2, 12), due(2026, 2, 16))  # a new statutory date
    script.apology(vn(2026, 2, 15), due(2026, 2, 20))
    script.resolved(vn(2026, 2, 19))  # late against the 16th
    state, rollup = None, []
    days = [date(2026, 2, 1) + timedelta(days=i) for i in range(30)]
    for envelope in script.envelopes:
        after, _ = apply_event(state, envelope)
        rollup += overdue_changes(state, after)
        state = after
        assert all(c.name == counts.OVERDUE_CHANGE for c in rollup)
        for day in days:
            summed = sum(c.delta for c in rollup if c.day <= day)
            assert summed == int(_overdue_on(state, day)), (envelope.event_type, day)
    assert sum(c.delta for c in rollup if c.day <= date(2026, 2, 18)) == 1
    assert sum(c.delta for c in rollup) == 0  # finished: no day after counts it


def test_a_dossier_finished_in_time_leaves_no_overdue_rollup():
    script = DossierScript("D-ok", UNIT, CERT)
    script.received(vn(2026, 2, 2), due(2026, 2, 5))
    script.resolved(vn(2026, 2, 4))
    state, rollup = None, []
    for envelope in script.envelopes:
        after, _ = apply_event(state, envelope)
        rollup += overdue_changes(state, after)
        state = after
    per_day: dict[date, int] = {}
    for change in rollup:
        per_day[change.day] = per_day.get(change.day, 0) + change.delta
    assert set(per_day.values()) == {0}  # the open span was added on receipt, taken back
