"""A dossier as reporting sees it: a small state without personal data, moved by its events.

`apply_event` is pure: from the state before an event (None for a new dossier) and the event,
it returns the state after and the counters to add. The counters follow the facts, not the
event names, so it does not matter which events intake uses to reach a status:
- received: the first event that carries `received_at` in a status past the desk check;
- resolved: the first event whose status is resolved or returned (time: its `resolved_at`,
  else `returned_at`, else when it happened); classified against `original_due_at`;
- withdrawn / refused at the desk: the first event in that status;
- warned / went overdue: the first `dossier.due_soon` / `dossier.overdue`; apologised in time:
  the first apology issued before the statutory (original) due date (counts.DEADLINE_FIELDS).
A child task of a linked dossier (its own code, `parent_code` set) is kept but never counted:
the linked submission counts once, as its parent.
Service-index counters (Decision 766/QĐ-TTg; Decree 118/2025/NĐ-CP on digitisation and online
payment): a dossier counts once as digitised (its first scanned paper), once as having a
digitised result, and once as paid (online or cash, the first payment) or waived.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from motcua_shared.contract.dossier_events import (
    ApologyIssued,
    Channel,
    DossierDueSoon,
    DossierOverdue,
    DossierStatus,
    DossierWithdrawn,
    FeePaid,
    FeeWaived,
    PaperDigitised,
    ResolutionOutcome,
    ResultDigitised,
    ResultReturned,
)
from motcua_shared.contract.envelope import Envelope

from reporting.domain import counts
from reporting.domain.classification import Timeliness, classify
from reporting.domain.periods import local_day

OPEN_END = date(9999, 12, 31)  # "still open" as a day that sorts after every real one

_NOT_RECEIVED = frozenset({DossierStatus.AWAITING_PAPERS, DossierStatus.REFUSED_AT_DESK})
_RESOLVED = frozenset({DossierStatus.RESOLVED, DossierStatus.RETURNED})
_TIMELINESS_COUNTER = {
    Timeliness.EARLY: counts.RESOLVED_EARLY,
    Timeliness.ON_TIME: counts.RESOLVED_ON_TIME,
    Timeliness.LATE: counts.RESOLVED_LATE,
}


class InconsistentEvent(ValueError):
    """The event contradicts what is known of its dossier; it can never be applied."""


@dataclass(frozen=True)
class DossierState:
    code: str
    version: int
    unit_code: str
    unit_name: str
    province_code: str
    procedure_code: str
    procedure_name: str
    field_code: str
    channel: str
    parent_code: str | None
    status: str
    received_at: datetime | None = None
    due_at: datetime | None = None  # in force now, an apology's new date included
    original_due_at: datetime | None = None  # in force before any apology: what "late" is judged by
    apologised: bool = False
    warned: bool = False
    went_overdue: bool = False
    resolved_at: datetime | None = None
    outcome: str | None = None
    timeliness: str | None = None
    returned_at: datetime | None = None
    withdrawn_at: datetime | None = None
    refused_at_desk_at: datetime | None = None
    papers_digitised_at: datetime | None = None
    result_digitised_at: datetime | None = None
    fee_settled: str | None = None  # "online", "cash" or "waived"

    @property
    def is_task(self) -> bool:
        return self.parent_code is not None

    @property
    def counted(self) -> bool:
        """A one-stop dossier that was received: it is in "to handle"."""
        return self.received_at is not None and not self.is_task

    @property
    def finished_at(self) -> datetime | None:
        return self.resolved_at or self.withdrawn_at

    @property
    def clock_stopped(self) -> bool:
        """Waiting for the citizen's papers during processing: not running late meanwhile."""
        return self.status == DossierStatus.SUPPLEMENT_REQUESTED

    @property
    def overdue_until(self) -> date | None:
        """The dossier is overdue on day X when original due day < X < overdue_until: the day it
        finished if it finished late, OPEN_END while open, None if it never was (or is not
        counted)."""
        if not self.counted or self.original_due_at is None:
            return None
        if self.finished_at is None:
            return OPEN_END
        finished_day = local_day(self.finished_at)
        return finished_day if finished_day > local_day(self.original_due_at) else None

    @property
    def overdue_span(self) -> tuple[date, date] | None:
        """[first day overdue, overdue_until) while the clock runs; None when empty."""
        until = self.overdue_until
        if until is None or self.clock_stopped or self.original_due_at is None:
            return None
        first = local_day(self.original_due_at) + timedelta(days=1)
        return (first, until) if first < until else None


def overdue_changes(before: DossierState | None, after: DossierState) -> list[counts.CountChange]:
    """The OVERDUE_CHANGE counters that move the rollup from `before`'s span to `after`'s
    (counts.OVERDUE_CHANGE). OPEN_END is never reached, so it is never written."""
    old, new = before.overdue_span if before else None, after.overdue_span
    if old == new:
        return []
    changes: list[counts.CountChange] = []
    for span, sign in ((old, -1), (new, 1)):
        if span is not None:
            changes.append(counts.CountChange(span[0], counts.OVERDUE_CHANGE, sign))
            if span[1] != OPEN_END:
                changes.append(counts.CountChange(span[1], counts.OVERDUE_CHANGE, -sign))
    return changes


def apply_event(
    state: DossierState | None, envelope: Envelope[Any]
) -> tuple[DossierState, list[counts.CountChange]]:
    payload = envelope.payload
    if state is None:
        state = _new_state(envelope)
    else:
        _check_same_dossier(state, envelope)
    after = replace(state, version=envelope.aggregate_version, status=payload.status)
    changes: list[counts.CountChange] = []
    after = _deadlines(after, envelope, changes)
    if after.finished_at is None:
        after = _follow_due_date(after, payload)
    after = _receive(after, payload, changes)
    after = _resolve(after, envelope, changes)
    after = _withdraw(after, envelope, changes)
    after = _refuse_at_desk(after, envelope, changes)
    if isinstance(payload, ResultReturned) and after.returned_at is None:
        after = replace(after, returned_at=payload.returned_at)
    after = _service_index(after, envelope, changes)
    return after, ([] if after.is_task else changes)


def _new_state(envelope: Envelope[Any]) -> DossierState:
    p = envelope.payload
    return DossierState(
        code=envelope.aggregate_id,
        version=0,
        unit_code=envelope.unit_code,
        unit_name=p.unit_name,
        province_code=p.province_code,
        procedure_code=p.procedure_code,
        procedure_name=p.procedure_name,
        field_code=p.field_code,
        channel=str(p.channel),
        parent_code=p.parent_code,
        status=p.status,
    )


def _check_same_dossier(state: DossierState, envelope: Envelope[Any]) -> None:
    p = envelope.payload
    for what, known, told in (
        ("unit", state.unit_code, envelope.unit_code),
        ("procedure", state.procedure_code, p.procedure_code),
        ("province", state.province_code, p.province_code),
    ):
        if known != told:
            raise InconsistentEvent(
                f"dossier {state.code} belongs to {what} {known}, event says {told}"
            )


def _follow_due_date(state: DossierState, payload: Any) -> DossierState:
    if isinstance(payload, ApologyIssued):
        # The new date is for the citizen; the statistics keep judging by the old one.
        return replace(
            state,
            due_at=payload.new_due_at,
            apologised=True,
            original_due_at=state.original_due_at or payload.previous_due_at,
        )
    if payload.due_at is not None and payload.due_at != state.due_at:
        # A date not equal to the one in force is a new statutory date (receipt, or the clock
        # restarting when supplementary papers arrive); an event echoing an apology's date is not.
        return replace(state, due_at=payload.due_at, original_due_at=payload.due_at)
    return state


def _deadlines(
    state: DossierState, envelope: Envelope[Any], changes: list[counts.CountChange]
) -> DossierState:
    """Warned, apologised in time, went overdue: once each per dossier, before the due date
    bookkeeping (an apology is judged against the date in force before it)."""
    p, day = envelope.payload, local_day(envelope.occurred_at)
    if isinstance(p, DossierDueSoon) and not state.warned:
        changes.append(counts.CountChange(day, counts.WARNED))
        return replace(state, warned=True)
    if isinstance(p, DossierOverdue) and not state.went_overdue:
        changes.append(counts.CountChange(day, counts.WENT_OVERDUE))
        return replace(state, went_overdue=True)
    if isinstance(p, ApologyIssued) and not state.apologised:
        statutory = state.original_due_at or p.previous_due_at
        if envelope.occurred_at <= statutory:
            changes.append(counts.CountChange(day, counts.APOLOGISED_IN_TIME))
    return state


def _receive(state: DossierState, payload: Any, changes: list[counts.CountChange]) -> DossierState:
    if (
        state.received_at is not None
        or payload.received_at is None
        or payload.status in _NOT_RECEIVED
    ):
        return state
    if state.refused_at_desk_at is not None:
        raise InconsistentEvent(
            f"dossier {state.code} was refused at the desk and cannot be received"
        )
    if state.original_due_at is None:
        raise InconsistentEvent(f"dossier {state.code} received without a due date")
    channel_counter = counts.RECEIVED_BY_CHANNEL[Channel(state.channel)]
    changes.append(counts.CountChange(local_day(payload.received_at), channel_counter))
    return replace(state, received_at=payload.received_at)


def _resolve(
    state: DossierState, envelope: Envelope[Any], changes: list[counts.CountChange]
) -> DossierState:
    p = envelope.payload
    if state.resolved_at is not None or p.status not in _RESOLVED:
        return state
    if state.received_at is None or state.original_due_at is None:
        raise InconsistentEvent(f"dossier {state.code} resolved but never received")
    if state.withdrawn_at is not None:
        raise InconsistentEvent(f"dossier {state.code} resolved after it was withdrawn")
    resolved_at = (
        getattr(p, "resolved_at", None) or getattr(p, "returned_at", None) or envelope.occurred_at
    )
    if resolved_at < state.received_at:
        raise InconsistentEvent(
            f"dossier {state.code} resolved at {resolved_at} before its receipt"
        )
    outcome = str(getattr(p, "outcome", None) or ResolutionOutcome.APPROVED)
    timeliness = classify(resolved_at, state.original_due_at)
    day = local_day(resolved_at)
    changes.append(counts.CountChange(day, _TIMELINESS_COUNTER[timeliness]))
    if outcome == ResolutionOutcome.REFUSED:
        changes.append(counts.CountChange(day, counts.RESOLVED_REFUSED))
    return replace(state, resolved_at=resolved_at, outcome=outcome, timeliness=str(timeliness))


def _withdraw(
    state: DossierState, envelope: Envelope[Any], changes: list[counts.CountChange]
) -> DossierState:
    p = envelope.payload
    if state.withdrawn_at is not None or p.status != DossierStatus.WITHDRAWN:
        return state
    if state.resolved_at is not None:
        raise InconsistentEvent(f"dossier {state.code} withdrawn after it was resolved")
    withdrawn_at = p.withdrawn_at if isinstance(p, DossierWithdrawn) else envelope.occurred_at
    if state.received_at is not None:  # withdrawn while awaiting papers at the desk: never counted
        changes.append(counts.CountChange(local_day(withdrawn_at), counts.WITHDRAWN))
    return replace(state, withdrawn_at=withdrawn_at)


def _refuse_at_desk(
    state: DossierState, envelope: Envelope[Any], changes: list[counts.CountChange]
) -> DossierState:
    if (
        state.refused_at_desk_at is not None
        or envelope.payload.status != DossierStatus.REFUSED_AT_DESK
    ):
        return state
    if state.received_at is not None:
        raise InconsistentEvent(f"dossier {state.code} refused at the desk after it was received")
    changes.append(counts.CountChange(local_day(envelope.occurred_at), counts.REFUSED_AT_DESK))
    return replace(state, refused_at_desk_at=envelope.occurred_at)


def _service_index(
    state: DossierState, envelope: Envelope[Any], changes: list[counts.CountChange]
) -> DossierState:
    p, day = envelope.payload, local_day(envelope.occurred_at)
    if isinstance(p, PaperDigitised) and state.papers_digitised_at is None:
        changes.append(counts.CountChange(day, counts.DIGITISED_PAPERS))
        return replace(state, papers_digitised_at=envelope.occurred_at)
    if isinstance(p, ResultDigitised) and state.result_digitised_at is None:
        changes.append(counts.CountChange(day, counts.DIGITISED_RESULTS))
        return replace(state, result_digitised_at=envelope.occurred_at)
    if isinstance(p, FeePaid) and state.fee_settled is None:
        name = counts.FEES_PAID_ONLINE if p.method == "online" else counts.FEES_PAID_CASH
        changes.append(counts.CountChange(local_day(p.paid_at), name))
        return replace(state, fee_settled=p.method)
    if isinstance(p, FeeWaived) and state.fee_settled is None:
        changes.append(counts.CountChange(day, counts.FEES_WAIVED))
        return replace(state, fee_settled="waived")
    return state
