"""FeedbackAnswered (survey's follow-up of a citizen's feedback) → one message, when consented."""

from datetime import UTC, datetime

from motcua_shared.contract.event_base import CitizenContact
from motcua_shared.contract.feedback_events import FeedbackAnswered, FeedbackSource

from notify.domain.message_kinds import MessageKind as K
from notify.domain.planning import DossierFacts, plan_event
from notify.domain.rendering import render
from notify.domain.templates import TEMPLATES

OPENED = datetime(2026, 8, 24, 17, 30, tzinfo=UTC)  # 25/08/2026 00:30 in Vietnam
LOOKUP = "http://127.0.0.1:8005/tra-cuu/{code}"


def answered(dossier_code: str | None, contact: CitizenContact | None) -> FeedbackAnswered:
    return FeedbackAnswered(
        source=FeedbackSource.SURVEY if dossier_code else FeedbackSource.SUGGESTION,
        dossier_code=dossier_code,
        unit_name="UBND phường Bình Thạnh",
        province_code="79",
        opened_at=OPENED,
        due_at=OPENED,
        answered_at=OPENED,
        on_time=True,
        contact=contact,
    )


def test_an_answered_survey_follow_up_tells_the_citizen_about_their_dossier() -> None:
    plan = plan_event(
        answered("D-1", CitizenContact(phone="+84912345678", consent=True)),
        "f1",
        DossierFacts(),
        LOOKUP,
    )
    assert plan.dossier_code == "D-1" and plan.message.kind == K.FEEDBACK_ANSWERED
    assert plan.message.fields == {
        "unit": "UBND phường Bình Thạnh",
        "feedback_date": "25/08/2026",
        "subject": "hồ sơ D-1",
    }
    text = render(TEMPLATES[K.FEEDBACK_ANSWERED], plan.message.fields)
    assert (
        "25/08/2026" in text.sms_text
        and text.sms_parts == 1
        and "phản ánh, kiến nghị" in text.text_vi
    )


def test_a_suggestion_follow_up_is_keyed_by_its_own_id() -> None:
    plan = plan_event(
        answered(None, CitizenContact(phone="+84912345678", consent=True)),
        "f2",
        DossierFacts(),
        LOOKUP,
    )
    assert plan.dossier_code == "f2" and plan.message.fields["subject"] == "hòm thư góp ý"


def test_nobody_is_told_without_a_contact_or_consent() -> None:
    assert plan_event(answered("D-1", None), "f3", DossierFacts(), LOOKUP).message is None
    unconsented = plan_event(
        answered("D-1", CitizenContact(phone="+84912345678", consent=False)),
        "f4",
        DossierFacts(),
        LOOKUP,
    )
    assert unconsented.message is None and "consent" in unconsented.skipped
