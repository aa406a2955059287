"""The use cases against in-memory fakes of survey's ports."""

from datetime import timedelta

import pytest

from motcua_shared.contract.dossier_events import CivilStatusEvent
from motcua_shared.contract.survey_events import SatisfactionLevel

from survey.app.answer_survey import AnswerSurvey
from survey.app.follow_ups import FollowUpOpener
from survey.app.open_survey import OpeningRules, OpenSurvey
from survey.app.suggestion_box import SuggestionBox, TooManySuggestions
from survey.app.unit_reports import UnitReports
from survey.domain.errors import NotYourUnit, SurveyAlreadyAnswered, SurveyExpired, SurveyNotFound
from survey.domain.tally import Month

from ..conftest import UNIT
from .fakes import FakeLimiter, FakeSuggestions, FakeSurveys, WakeCounter

RULES = OpeningRules(timedelta(days=7), frozenset({"P-EXCLUDED"}), "https://ks.example.vn/")
OPENER = FollowUpOpener(10)


async def _no_name(unit_code: str) -> None:
    return None


@pytest.fixture
def surveys():
    return FakeSurveys()


@pytest.fixture
def wake():
    return WakeCounter()


async def test_opening_builds_the_link_and_is_idempotent(surveys, wake, clock, returned):
    opener = OpenSurvey(surveys, RULES, clock, wake)
    event = returned("D-1")
    survey = await opener(event)
    assert survey is not None and survey.expires_at == clock.now + timedelta(days=7)
    opened = surveys.events[0].payload
    assert opened.survey_url == f"https://ks.example.vn/s/{survey.token}"
    assert opened.contact == event.payload.contact and opened.dossier_code == "D-1"
    assert await opener(event) is None and await opener(returned("D-1")) is None
    assert len(surveys.by_id) == 1 and wake.count == 1


async def test_opening_skips_what_must_not_be_surveyed(surveys, wake, clock, returned):
    opener = OpenSurvey(surveys, RULES, clock, wake)
    assert await opener(returned("D-1", procedure_code="P-EXCLUDED")) is None
    assert await opener(returned("D-2", civil_status_event=CivilStatusEvent.DEATH)) is None
    assert surveys.by_id == {} and wake.count == 0


async def test_answers_online_at_the_kiosk_and_in_a_race(surveys, wake, clock, returned):
    opener, answers = (
        OpenSurvey(surveys, RULES, clock, wake),
        AnswerSurvey(surveys, clock, wake, OPENER),
    )
    first = await opener(returned("D-1"))
    await opener(returned("D-2"))
    await opener(returned("D-3"))

    done = await answers.online(first.token, SatisfactionLevel.SATISFIED, "Tốt")
    assert (
        done.answer.channel == "online"
        and surveys.events[-1].payload.level == SatisfactionLevel.SATISFIED
    )
    with pytest.raises(SurveyAlreadyAnswered):
        await answers.online(first.token, SatisfactionLevel.UNSATISFIED, None)
    with pytest.raises(SurveyNotFound):
        await answers.online("nope", SatisfactionLevel.SATISFIED, None)

    with pytest.raises(NotYourUnit):
        await answers.at_kiosk(
            "D-2", SatisfactionLevel.SATISFIED, None, officer_id="x", officer_unit="OTHER"
        )
    kiosk = await answers.at_kiosk(
        "D-2", SatisfactionLevel.SATISFIED, None, officer_id="desk-9", officer_unit=UNIT
    )
    assert kiosk.answer.answered_by == "desk-9" and kiosk.answer.channel == "kiosk"

    surveys.steal_next_answer = True
    with pytest.raises(SurveyAlreadyAnswered):
        await answers.at_kiosk(
            "D-3", SatisfactionLevel.SATISFIED, None, officer_id="d", officer_unit=UNIT
        )
    surveys.steal_next_answer = False
    clock.advance(timedelta(days=8))
    with pytest.raises(SurveyExpired):
        await answers.at_kiosk(
            "D-3", SatisfactionLevel.SATISFIED, None, officer_id="d", officer_unit=UNIT
        )


async def test_the_monthly_report_keeps_only_commented_answers(surveys, wake, clock, returned):
    opener, answers = (
        OpenSurvey(surveys, RULES, clock, wake),
        AnswerSurvey(surveys, clock, wake, OPENER),
    )
    for code, comment in (("D-1", "Chậm"), ("D-2", None)):
        survey = await opener(returned(code))
        await answers.online(survey.token, SatisfactionLevel.UNSATISFIED, comment)
    report = await UnitReports(surveys).month(UNIT, Month.parse("2026-03"))
    assert report.tally.answers == 2 and report.tally.satisfied_rate == 0.0
    assert [s.answer.comment for s in report.commented] == ["Chậm"]


async def test_the_suggestion_box_limits_floods_and_keeps_no_sender(wake, clock):
    notes = FakeSuggestions()
    box = SuggestionBox(notes, FakeLimiter(limit=2), clock, wake, OPENER, _no_name)
    note = await box.submit(UNIT, "  Thái độ chưa tốt ", " ", None, client="10.0.0.1")
    assert note.text == "Thái độ chưa tốt" and note.officer is None
    await box.submit(UNIT, "Hai", "desk-1", "0912 345 678", client="10.0.0.1")
    with pytest.raises(TooManySuggestions):
        await box.submit(UNIT, "Ba", None, None, client="10.0.0.1")
    await box.submit(UNIT, "Khác máy", None, None, client="10.0.0.2")
    assert len(notes.notes) == 3 and wake.count == 3
    assert all("10.0.0" not in repr(n) for n in notes.notes)
    assert notes.events[1].payload.officer_id == "desk-1"
    published = notes.events[1].model_dump_json()
    # The phone in any spelling; not a bare "345", which a random event id can hold.
    assert "Hai" not in published
    assert "345 678" not in published and "912345678" not in published


async def test_a_phone_typed_in_the_officer_field_is_masked_in_the_event(wake, clock):
    notes = FakeSuggestions()
    box = SuggestionBox(notes, FakeLimiter(limit=5), clock, wake, OPENER, _no_name)
    await box.submit(UNIT, "Cán bộ đòi tiền", "chị Hoa 0912 345 678", None, client="10.0.0.3")
    published = notes.events[0].model_dump_json()
    assert "345 678" not in published and "912345678" not in published
    assert notes.events[0].payload.officer_id.startswith("chị Hoa ")
    assert (
        notes.notes[0].officer == "chị Hoa 0912 345 678"
    )  # the leader still reads what was written
