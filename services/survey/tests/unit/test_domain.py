"""Pure rules: who gets a survey, one answer before expiry, the month in Vietnam time."""

from datetime import UTC, datetime, timedelta

import pytest

from motcua_shared.contract.dossier_events import CivilStatusEvent, ResolutionOutcome
from motcua_shared.contract.survey_events import SatisfactionLevel

from survey.domain.errors import SurveyAlreadyAnswered, SurveyExpired
from survey.domain.survey import SurveySubject, open_survey
from survey.domain.survey_eligibility import SkipReason, reason_not_to_survey
from survey.domain.tally import Month, tally

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
SUBJECT = SurveySubject("D-1", "U1", "UBND xã A", "79", "P1", "Thủ tục", "ho-tich", "desk-1")


def _policy(**overrides):
    args = dict(
        outcome=ResolutionOutcome.APPROVED,
        civil_status_event=None,
        procedure_code="P1",
        parent_code=None,
        excluded_procedures=frozenset({"P9"}),
    )
    return reason_not_to_survey(**(args | overrides))


def test_only_served_returned_dossiers_are_surveyed():
    assert _policy() is None
    assert _policy(civil_status_event=CivilStatusEvent.MARRIAGE) is None
    assert _policy(civil_status_event=CivilStatusEvent.DEATH) == SkipReason.DEATH_REGISTRATION
    assert _policy(outcome=ResolutionOutcome.REFUSED) == SkipReason.REFUSED
    assert _policy(procedure_code="P9") == SkipReason.EXCLUDED_PROCEDURE
    assert _policy(parent_code="D-0") == SkipReason.CHILD_TASK


def test_a_survey_takes_one_answer_before_it_expires():
    survey = open_survey(
        SUBJECT, survey_id="s1", token="t", now=NOW, lifetime=timedelta(days=7), correlation_id="c"
    )
    assert survey.expires_at == NOW + timedelta(days=7)
    answered = survey.answered(SatisfactionLevel.SATISFIED, "  ", "online", NOW + timedelta(days=6))
    assert answered.answer is not None and answered.answer.comment is None
    with pytest.raises(SurveyAlreadyAnswered):
        answered.answered(SatisfactionLevel.SATISFIED, None, "kiosk", NOW)
    with pytest.raises(SurveyExpired):
        survey.answered(SatisfactionLevel.SATISFIED, None, "online", NOW + timedelta(days=7))
    with pytest.raises(SurveyAlreadyAnswered):  # a used link says "used", even once expired
        answered.ensure_answerable(NOW + timedelta(days=30))


def test_a_month_runs_from_midnight_to_midnight_in_vietnam():
    march = Month.parse("2026-03")
    assert march.start == datetime(2026, 2, 28, 17, 0, tzinfo=UTC)
    assert march.end == datetime(2026, 3, 31, 17, 0, tzinfo=UTC)
    assert Month.parse("2026-12").end == datetime(2026, 12, 31, 17, 0, tzinfo=UTC)
    assert str(march) == "2026-03"
    for bad in ("2026-13", "2026-3", "26-03", "2026-03-01", "0000-01", "9999-12"):
        with pytest.raises(ValueError):
            Month.parse(bad)


def test_the_tally_counts_levels_and_the_satisfied_rate():
    levels = [
        SatisfactionLevel.UNSATISFIED,
        SatisfactionLevel.SATISFIED,
        SatisfactionLevel.VERY_SATISFIED,
    ]
    result = tally(levels * 2 + [SatisfactionLevel.VERY_SATISFIED])
    assert result.answers == 7
    assert result.counts == {
        SatisfactionLevel.UNSATISFIED: 2,
        SatisfactionLevel.SATISFIED: 2,
        SatisfactionLevel.VERY_SATISFIED: 3,
    }
    assert result.satisfied_rate == round(5 / 7, 4)
    assert tally([]).satisfied_rate is None and tally([]).answers == 0
