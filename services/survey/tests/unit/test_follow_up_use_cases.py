"""Opening and answering follow-ups through the use cases, against fakes of survey's ports."""

from datetime import timedelta

import pytest

from motcua_shared.contract.event_base import CitizenContact
from motcua_shared.contract.feedback_events import FeedbackAnswered, FeedbackOpened, FeedbackSource
from motcua_shared.contract.survey_events import SatisfactionLevel

from survey.app.answer_survey import AnswerSurvey
from survey.app.follow_ups import FollowUpOpener, FollowUps
from survey.app.open_survey import OpeningRules, OpenSurvey
from survey.app.suggestion_box import SuggestionBox
from survey.domain.errors import FollowUpAlreadyAnswered, FollowUpNotFound, NotYourUnit

from ..conftest import PHONE, UNIT
from .fakes import FakeFollowUps, FakeLimiter, FakeSuggestions, FakeSurveys, WakeCounter

RULES = OpeningRules(timedelta(days=7), frozenset(), "https://ks.example.vn/")
OPENER = FollowUpOpener(10)


async def _name(unit_code: str) -> str:
    return "UBND phường Bình Thạnh"


@pytest.fixture
def follow_ups() -> FakeFollowUps:
    return FakeFollowUps()


async def test_an_unhappy_answer_opens_a_follow_up_with_the_kept_contact(
    follow_ups, clock, returned
):
    surveys, wake = FakeSurveys(follow_ups), WakeCounter()
    opener, answers = (
        OpenSurvey(surveys, RULES, clock, wake),
        AnswerSurvey(surveys, clock, wake, OPENER),
    )
    happy = await opener(returned("D-1"))
    unhappy = await opener(returned("D-2"))
    silent = await opener(returned("D-3", contact=CitizenContact(phone=PHONE, consent=False)))
    assert set(surveys.contacts) == {happy.survey_id, unhappy.survey_id}  # no consent: nothing kept

    await answers.online(happy.token, SatisfactionLevel.SATISFIED, None)
    assert follow_ups.by_key == {} and happy.survey_id not in surveys.contacts
    await answers.online(unhappy.token, SatisfactionLevel.UNSATISFIED, "Phải chờ rất lâu")
    await answers.at_kiosk(
        "D-3", SatisfactionLevel.UNSATISFIED, None, officer_id="desk-lan", officer_unit=UNIT
    )
    assert surveys.contacts == {}

    opened = {f.dossier_code: f for f in follow_ups.by_key.values()}
    assert opened["D-2"].contact == CitizenContact(phone=PHONE, consent=True)
    assert (
        opened["D-2"].feedback == "Phải chờ rất lâu"
        and opened["D-2"].source == FeedbackSource.SURVEY
    )
    assert opened["D-3"].contact is None  # answered at the kiosk, but the citizen never consented
    assert opened["D-2"].due_at > clock.now + timedelta(
        days=13
    )  # 10 working days: two weekends at least
    events = [e.payload for e in follow_ups.events]
    assert all(isinstance(p, FeedbackOpened) for p in events) and {
        p.dossier_code for p in events
    } == {"D-2", "D-3"}
    assert silent.survey_id not in surveys.contacts


async def test_only_a_suggestion_that_left_a_contact_is_followed_up(follow_ups, clock):
    notes = FakeSuggestions(follow_ups)
    box = SuggestionBox(notes, FakeLimiter(limit=5), clock, WakeCounter(), OPENER, _name)
    await box.submit(UNIT, "Cán bộ thái độ chưa tốt", "Anh Tú", None, client="203.0.113.7")
    assert follow_ups.by_key == {}
    await box.submit(
        UNIT, "Xin bố trí thêm ghế chờ", None, "0912 345 678", client="203.0.113.7", consent=True
    )
    await box.submit(
        UNIT, "Nhà vệ sinh hỏng", None, "dan@example.vn", client="203.0.113.7", consent=True
    )
    by_text = {f.feedback: f for f in follow_ups.by_key.values()}
    assert set(by_text) == {"Xin bố trí thêm ghế chờ", "Nhà vệ sinh hỏng"}
    assert by_text["Xin bố trí thêm ghế chờ"].contact == CitizenContact(phone=PHONE, consent=True)
    assert (
        by_text["Nhà vệ sinh hỏng"].contact is None
    )  # an e-mail: the leader answers it, notify cannot
    assert by_text["Nhà vệ sinh hỏng"].unit_name == "UBND phường Bình Thạnh"


async def test_the_leader_answers_once_and_the_event_carries_the_contact(follow_ups, clock):
    notes, wake = FakeSuggestions(follow_ups), WakeCounter()
    box = SuggestionBox(notes, FakeLimiter(limit=5), clock, wake, OPENER, _name)
    note = await box.submit(
        UNIT, "Xin bố trí thêm ghế chờ", None, "0912345678", client="x", consent=True
    )
    follow_up = next(iter(follow_ups.by_key.values()))
    service = FollowUps(follow_ups, clock, wake)

    with pytest.raises(NotYourUnit):
        await service.respond(
            UNIT, follow_up.follow_up_id, "x", officer_id="other", officer_unit="79-99999"
        )
    with pytest.raises(FollowUpNotFound):
        await service.respond(
            "79-99999", follow_up.follow_up_id, "x", officer_id="other", officer_unit="79-99999"
        )
    with pytest.raises(FollowUpNotFound):
        await service.respond(UNIT, "0" * 32, "x", officer_id="leader-1", officer_unit=UNIT)

    clock.advance(timedelta(days=30))  # well past ten working days: late
    answered = await service.respond(
        UNIT,
        follow_up.follow_up_id,
        "Đã bố trí thêm 10 ghế",
        officer_id="leader-1",
        officer_unit=UNIT,
    )
    assert answered.contact is None and answered.citizen_told and answered.answered_on_time is False
    event = follow_ups.events[-1].payload
    assert isinstance(event, FeedbackAnswered) and event.on_time is False
    assert (
        event.contact == CitizenContact(phone=PHONE, consent=True)
        and event.answered_at == clock.now
    )
    assert follow_ups.erased_suggestion_contacts == [note.suggestion_id]
    with pytest.raises(FollowUpAlreadyAnswered):
        await service.respond(
            UNIT, follow_up.follow_up_id, "again", officer_id="leader-1", officer_unit=UNIT
        )
    assert await service.for_unit(UNIT, "open") == [] and await service.for_unit(
        UNIT, "answered"
    ) == [answered]
