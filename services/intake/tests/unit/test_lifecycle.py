"""The full matrix: every action from every state is either the documented transition or
an IllegalTransition naming the current state."""

import pytest

from motcua_shared.contract.dossier_events import DossierStatus as S

from intake.domain.errors import IllegalTransition
from intake.domain.lifecycle import (
    INITIAL_STATUS,
    TERMINAL,
    Action,
    DeskCheck,
    allowed_actions,
    next_status,
)

LEGAL = {
    (Action.SUPPLY_PAPERS, S.AWAITING_PAPERS): S.RECEIVED,
    (Action.SUPPLY_PAPERS, S.SUPPLEMENT_REQUESTED): S.IN_PROGRESS,
    (Action.HAND_OVER, S.RECEIVED): S.IN_PROGRESS,
    (Action.HAND_OVER, S.IN_PROGRESS): S.IN_PROGRESS,
    (Action.REQUEST_SUPPLEMENT, S.RECEIVED): S.SUPPLEMENT_REQUESTED,
    (Action.REQUEST_SUPPLEMENT, S.IN_PROGRESS): S.SUPPLEMENT_REQUESTED,
    (Action.RESOLVE, S.RECEIVED): S.RESOLVED,
    (Action.RESOLVE, S.IN_PROGRESS): S.RESOLVED,
    (Action.RESOLVE_TASK, S.RECEIVED): S.RECEIVED,
    (Action.RESOLVE_TASK, S.IN_PROGRESS): S.IN_PROGRESS,
    (Action.APOLOGISE, S.RECEIVED): S.RECEIVED,
    (Action.APOLOGISE, S.IN_PROGRESS): S.IN_PROGRESS,
    (Action.APOLOGISE, S.SUPPLEMENT_REQUESTED): S.SUPPLEMENT_REQUESTED,
    (Action.RETURN, S.RESOLVED): S.RETURNED,
    (Action.WITHDRAW, S.AWAITING_PAPERS): S.WITHDRAWN,
    (Action.WITHDRAW, S.RECEIVED): S.WITHDRAWN,
    (Action.WITHDRAW, S.IN_PROGRESS): S.WITHDRAWN,
    (Action.WITHDRAW, S.SUPPLEMENT_REQUESTED): S.WITHDRAWN,
    (Action.SCHEDULE_HOME_VISIT, S.AWAITING_PAPERS): S.AWAITING_PAPERS,
    (Action.SCHEDULE_HOME_VISIT, S.RECEIVED): S.RECEIVED,
    (Action.SCHEDULE_HOME_VISIT, S.IN_PROGRESS): S.IN_PROGRESS,
    (Action.SCHEDULE_HOME_VISIT, S.SUPPLEMENT_REQUESTED): S.SUPPLEMENT_REQUESTED,
    (Action.SCHEDULE_HOME_VISIT, S.RESOLVED): S.RESOLVED,
    (Action.ATTACH_RESULT, S.RESOLVED): S.RESOLVED,
    **{
        (Action.ATTACH_PAPER, s): s
        for s in (S.AWAITING_PAPERS, S.RECEIVED, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED)
    },
    **{
        (fee, s): s
        for fee in (Action.REQUEST_FEE, Action.PAY_FEE, Action.WAIVE_FEE)
        for s in (S.AWAITING_PAPERS, S.RECEIVED, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED, S.RESOLVED)
    },
}

MATRIX = [(action, status) for action in Action for status in S]


@pytest.mark.parametrize(
    ("action", "status"), MATRIX, ids=[f"{a.value}-from-{s.value}" for a, s in MATRIX]
)
def test_every_action_from_every_state(action: Action, status: S) -> None:
    expected = LEGAL.get((action, status))
    if expected is not None:
        assert next_status(action, status) is expected
    else:
        with pytest.raises(IllegalTransition) as refused:
            next_status(action, status)
        assert refused.value.current is status
        assert refused.value.action == action.value


def test_terminal_states_allow_nothing() -> None:
    for status in TERMINAL:
        assert allowed_actions(status) == []


def test_desk_check_decides_the_first_state() -> None:
    assert INITIAL_STATUS == {
        DeskCheck.COMPLETE: S.RECEIVED,
        DeskCheck.INCOMPLETE: S.AWAITING_PAPERS,
        DeskCheck.INELIGIBLE: S.REFUSED_AT_DESK,
    }


def test_withdrawal_is_impossible_after_resolution() -> None:
    for status in (S.RESOLVED, S.RETURNED):
        with pytest.raises(IllegalTransition):
            next_status(Action.WITHDRAW, status)
