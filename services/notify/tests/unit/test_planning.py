"""From events to messages: which kind, which facts are remembered, when nothing is sent."""

from datetime import date

import pytest

from motcua_shared.contract.dossier_events import CivilStatusEvent, DossierHandedOver

from notify.adapters.message_documents import facts_document, facts_from_document
from notify.domain.message_kinds import MessageKind as K
from notify.domain.planning import DossierFacts, plan_event

LOOKUP = "http://127.0.0.1:8005/tra-cuu/"
NONE = DossierFacts()


def plan(envelope, facts=NONE):
    return plan_event(envelope.payload, envelope.aggregate_id, facts, LOOKUP)


def test_received_carries_code_due_date_and_lookup_link(events):
    result = plan(events.received("D-1"))
    assert result.message.kind == K.RECEIVED
    assert result.message.fields["due"] == "30/11/2026"
    assert result.message.fields["lookup_url"] == "http://127.0.0.1:8005/tra-cuu/D-1"


@pytest.mark.parametrize(
    ("build", "kind"),
    [
        (lambda e: e.refused("D-2"), K.REFUSED_AT_DESK),
        (lambda e: e.supplement("D-2", stage="desk"), K.SUPPLEMENT_AT_DESK),
        (lambda e: e.supplement("D-2", stage="processing"), K.SUPPLEMENT_IN_PROCESSING),
        (lambda e: e.apology("D-2"), K.APOLOGY),
        (lambda e: e.resolved("D-2"), K.RESULT_READY_AT_DESK),
        (lambda e: e.home_visit("D-2", purpose="receive"), K.HOME_VISIT_RECEIVE),
        (lambda e: e.home_visit("D-2", purpose="return"), K.HOME_VISIT_RETURN),
        (lambda e: e.survey_opened("D-2"), K.SURVEY_OPENED),
    ],
)
def test_each_event_calls_for_its_kind(events, build, kind):
    assert plan(build(events)).message.kind == kind


def test_result_ready_at_home_when_a_return_visit_is_scheduled(events):
    visit = plan(events.home_visit("D-3", purpose="return"))
    assert visit.facts == DossierFacts(home_return_date=date(2026, 12, 17))
    ready = plan(events.resolved("D-3"), visit.facts)
    assert (
        ready.message.kind == K.RESULT_READY_AT_HOME
        and ready.message.fields["visit_date"] == "17/12/2026"
    )


def test_served_at_home_is_not_told_to_come_to_the_desk(events):
    """Intake schedules a return visit only once resolved: for a home-service receipt the visit's
    message is the news, and 'come to the desk' would contradict it."""
    received = events.received("D-6")
    at_home = received.payload.model_copy(update={"home_service": True})
    facts = plan_event(at_home, "D-6", NONE, LOOKUP).facts
    assert facts.home_service
    resolved = plan(events.resolved("D-6"), facts)
    assert resolved.message is None and "home" in resolved.skipped and resolved.facts.home_service
    assert (
        plan(events.home_visit("D-6", purpose="return"), facts).message.kind == K.HOME_VISIT_RETURN
    )
    assert plan(events.resolved("D-7"), plan(received).facts).message.kind == K.RESULT_READY_AT_DESK
    assert facts_from_document(facts_document(facts)) == facts  # remembered in notify's database


@pytest.mark.parametrize(
    ("civil", "kind"),
    [
        ("birth", K.CONGRATULATIONS_BIRTH),
        ("marriage", K.CONGRATULATIONS_MARRIAGE),
        ("death", K.CONDOLENCES),
    ],
)
def test_civil_status_letters_go_with_the_returned_result(events, civil, kind):
    assert plan(events.received("D-4", civil=civil)).message.kind == K.RECEIVED
    assert plan(events.returned("D-4", civil=civil)).message.kind == kind


def test_a_death_remembered_from_receipt_gets_condolences_and_no_survey(events):
    received = plan(events.received("D-5", civil="death"))
    assert received.facts.civil_status_event == CivilStatusEvent.DEATH
    assert plan(events.returned("D-5"), received.facts).message.kind == K.CONDOLENCES
    survey = plan(events.survey_opened("D-5"), received.facts)
    assert survey.message is None and "death" in survey.skipped


def test_no_letter_without_civil_status(events):
    result = plan(events.returned("D-6"))
    assert result.message is None


def test_no_message_without_consent_or_phone(events):
    assert plan(events.received("D-7", contact=events.contact(consent=False))).message is None
    result = plan(events.received("D-7", contact=events.contact(phone=None)))
    assert result.message is None and "phone" in result.skipped


def test_events_that_need_no_message(events):
    payload = DossierHandedOver(
        **events.base("in_progress"), from_officer_id="a", to_officer_id="b", step="x"
    )
    assert plan_event(payload, "D-8", NONE, LOOKUP).message is None


def test_papers_supplied_at_the_desk_then_received_make_one_received_message(events):
    """Intake publishes SupplementSupplied (stage desk) and then DossierReceived for the same
    receipt: only the second one tells the citizen, so the citizen hears "received" once."""
    flow = [
        events.supplement("D-9", stage="desk"),
        events.supplied("D-9", stage="desk"),
        events.received("D-9"),
    ]
    kinds = [p.message.kind if p.message else None for p in map(plan, flow)]
    assert kinds == [K.SUPPLEMENT_AT_DESK, None, K.RECEIVED]


def test_a_fee_request_sends_the_amount_and_the_payment_link(events):
    from motcua_shared.contract.dossier_events import FeeRequested

    payload = FeeRequested(
        **events.base("received"),
        amount_vnd=10000,
        payment_ref="D-9.2",
        payment_url="http://127.0.0.1:8001/thanh-toan/D-9",
        contact=events.contact(),
    )
    result = plan(events._wrap(payload, "D-9"))
    assert result.message.kind == K.FEE_REQUESTED
    assert result.message.fields["amount"] == "10.000 đ"
    assert result.message.fields["payment_url"] == "http://127.0.0.1:8001/thanh-toan/D-9"
    refused = FeeRequested(
        **events.base("received"),
        amount_vnd=10000,
        payment_ref="D-9.3",
        payment_url="http://x",
        contact=events.contact(consent=False),
    )
    assert plan(events._wrap(refused, "D-9")).message is None
