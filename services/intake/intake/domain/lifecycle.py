"""The dossier lifecycle of the one-stop mechanism, Decree 118/2025/NĐ-CP (amended by Decree
367/2025/NĐ-CP) and Circular 03/2025/TT-VPCP (amended by Circular 04/2025/TT-VPCP), as a state
machine: receipt (form 01), request to supplement (02), refusal (03), apology and new date (04),
stop at the citizen's request (05), the control slip (06) following every hand-over.

One table says which action is allowed from which state and where it leads; every change of
a dossier goes through `next_status`, so no code path can skip the check.
"""

from enum import StrEnum

from motcua_shared.contract.dossier_events import DossierStatus as S
from motcua_shared.contract.dossier_events import ResolutionOutcome

from intake.domain.errors import IllegalTransition, RuleViolation


class DeskCheck(StrEnum):
    """The desk officer's check of the papers when the citizen submits them."""

    COMPLETE = "complete"  # → Giấy tiếp nhận hồ sơ và hẹn trả kết quả
    INCOMPLETE = "incomplete"  # → Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
    INELIGIBLE = "ineligible"  # → Phiếu từ chối tiếp nhận giải quyết hồ sơ


INITIAL_STATUS = {
    DeskCheck.COMPLETE: S.RECEIVED,
    DeskCheck.INCOMPLETE: S.AWAITING_PAPERS,
    DeskCheck.INELIGIBLE: S.REFUSED_AT_DESK,
}


class Action(StrEnum):
    SUPPLY_PAPERS = "supply-papers"
    HAND_OVER = "hand-over"
    REQUEST_SUPPLEMENT = "request-supplement"
    RESOLVE = "resolve"
    RESOLVE_TASK = "resolve-task"
    APOLOGISE = "apologise"
    RETURN = "return"
    WITHDRAW = "withdraw"
    SCHEDULE_HOME_VISIT = "home-visit"
    ATTACH_PAPER = "attach-paper"
    ATTACH_RESULT = "attach-result"
    REQUEST_FEE = "request-fee"
    PAY_FEE = "pay-fee"
    WAIVE_FEE = "waive-fee"


_OPEN = (S.RECEIVED, S.IN_PROGRESS)  # being processed, clock running
CLOCK_RUNNING = frozenset(_OPEN)  # a dossier here past its due date is overdue

TRANSITIONS: dict[Action, dict[S, S]] = {
    Action.SUPPLY_PAPERS: {S.AWAITING_PAPERS: S.RECEIVED, S.SUPPLEMENT_REQUESTED: S.IN_PROGRESS},
    Action.HAND_OVER: {s: S.IN_PROGRESS for s in _OPEN},
    Action.REQUEST_SUPPLEMENT: {s: S.SUPPLEMENT_REQUESTED for s in _OPEN},
    Action.RESOLVE: {s: S.RESOLVED for s in _OPEN},
    # A child task's resolution keeps the parent where it is; the last one resolves it.
    Action.RESOLVE_TASK: {s: s for s in _OPEN},
    Action.APOLOGISE: {s: s for s in (*_OPEN, S.SUPPLEMENT_REQUESTED)},
    Action.RETURN: {S.RESOLVED: S.RETURNED},
    Action.WITHDRAW: {s: S.WITHDRAWN for s in (S.AWAITING_PAPERS, *_OPEN, S.SUPPLEMENT_REQUESTED)},
    Action.SCHEDULE_HOME_VISIT: {
        s: s for s in (S.AWAITING_PAPERS, *_OPEN, S.SUPPLEMENT_REQUESTED, S.RESOLVED)
    },
    # Digitised papers while the dossier is being received or handled; the result once there is
    # one and before it is handed over (a returned dossier is closed).
    Action.ATTACH_PAPER: {s: s for s in (S.AWAITING_PAPERS, *_OPEN, S.SUPPLEMENT_REQUESTED)},
    Action.ATTACH_RESULT: {S.RESOLVED: S.RESOLVED},
    # The fee: asked, paid or waived at any point before the result is handed over.
    Action.REQUEST_FEE: {
        s: s for s in (S.AWAITING_PAPERS, *_OPEN, S.SUPPLEMENT_REQUESTED, S.RESOLVED)
    },
    Action.PAY_FEE: {s: s for s in (S.AWAITING_PAPERS, *_OPEN, S.SUPPLEMENT_REQUESTED, S.RESOLVED)},
    Action.WAIVE_FEE: {
        s: s for s in (S.AWAITING_PAPERS, *_OPEN, S.SUPPLEMENT_REQUESTED, S.RESOLVED)
    },
}

TERMINAL = frozenset({S.REFUSED_AT_DESK, S.RETURNED, S.WITHDRAWN})


def next_status(action: Action, current: S) -> S:
    """The state `action` leads to from `current`, or IllegalTransition."""
    target = TRANSITIONS[action].get(current)
    if target is None:
        raise IllegalTransition(action.value, current)
    return target


def allowed_actions(current: S) -> list[Action]:
    return [action for action, table in TRANSITIONS.items() if current in table]


def require_reason(outcome: ResolutionOutcome, reason: str | None) -> None:
    """A refusal to resolve must state its reason (told to the citizen with the result)."""
    if outcome is ResolutionOutcome.REFUSED and not reason:
        raise RuleViolation(
            "reason", "Từ chối giải quyết phải nêu lý do", "A refusal needs a reason"
        )
