"""From an event to the message it calls for (at most one), and what notify must remember
about the dossier for later events.

A citizen served at home (the receipt says `home_service`) is not told on DossierResolved to
come to the desk: intake schedules the return visit only once the dossier is resolved, and that
visit's message (the officer will bring the result on that day) is the news.

Civil-status letters go out on ResultReturned (approved): the registration is complete and the
papers are in the family's hands. DossierReceived is too early (the dossier may still be
refused or need papers) and DossierResolved already brings "the result is ready"; one letter
at the end reads as care, not as a notification. A death registration is remembered so that
the survey opened after the return is never sent to a grieving family.

A citizen whose feedback (phản ánh, kiến nghị) the unit's leader answered is told so
(FeedbackAnswered from survey), when they left a phone and consented: the event carries the
contact only then. The leader's text stays in survey's database: the message names the date
and what the feedback was about.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from motcua_shared.contract.dossier_events import (
    ApologyIssued,
    CivilStatusEvent,
    DossierReceived,
    DossierRefusedAtDesk,
    DossierResolved,
    FeeRequested,
    HomeVisitScheduled,
    ResolutionOutcome,
    ResultReturned,
    SupplementRequested,
)
from motcua_shared.contract.event_base import CitizenContact, EventPayload
from motcua_shared.contract.feedback_events import FeedbackAnswered
from motcua_shared.contract.survey_events import SurveyOpened
from motcua_shared.vietnam.timeutil import to_vn

from notify.domain.message_kinds import MessageKind as K

UNKNOWN_DUE = "theo giấy hẹn"  # "as on the appointment slip", when the event has no due date

LETTERS = {
    CivilStatusEvent.BIRTH: K.CONGRATULATIONS_BIRTH,
    CivilStatusEvent.MARRIAGE: K.CONGRATULATIONS_MARRIAGE,
    CivilStatusEvent.DEATH: K.CONDOLENCES,
}


@dataclass(frozen=True)
class DossierFacts:
    """What notify remembers about a dossier between its events."""

    civil_status_event: CivilStatusEvent | None = None
    home_return_date: date | None = None
    home_service: bool = False  # the receipt asked for service at home


@dataclass(frozen=True)
class PlannedMessage:
    kind: K
    fields: dict[str, str]


@dataclass(frozen=True)
class Plan:
    dossier_code: str
    contact: CitizenContact | None
    message: PlannedMessage | None
    facts: DossierFacts | None = None  # new facts to store; None: unchanged
    skipped: str | None = None  # why no message, for the log


def format_date(value: datetime | date | None) -> str:
    if value is None:
        return UNKNOWN_DUE
    local = to_vn(value).date() if isinstance(value, datetime) else value
    return local.strftime("%d/%m/%Y")


def lookup_link(base: str, code: str) -> str:
    """The citizen look-up page of the dossier (the desk app's `/tra-cuu/{code}`, which asks for the
    last 4 phone digits): never intake's JSON API, where opening the link would count as a
    failed guess."""
    return f"{base.rstrip('/')}/{quote(code, safe='')}"


def plan_event(
    payload: EventPayload, aggregate_id: str, facts: DossierFacts, lookup_url: str
) -> Plan:
    planner = _PLANNERS.get(type(payload))
    if planner is None:
        return Plan(aggregate_id, None, None, skipped=f"{payload.event_type} needs no message")
    code = (
        getattr(payload, "dossier_code", None) or aggregate_id
    )  # a survey's or feedback's dossier
    plan = planner(payload, code, facts, lookup_url)
    return _require_consent(plan)


def _require_consent(plan: Plan) -> Plan:
    if plan.message is None:
        return plan
    if plan.contact is None or not plan.contact.consent:
        return replace(plan, message=None, skipped="the citizen did not consent to messages")
    if not plan.contact.phone:
        return replace(plan, message=None, skipped="no phone number on the dossier")
    return plan


def _base(payload: Any, code: str) -> dict[str, str]:  # any event naming its procedure and unit
    return {"code": code, "procedure": payload.procedure_name, "unit": payload.unit_name}


def _received(p: DossierReceived, code: str, facts: DossierFacts, lookup_url: str) -> Plan:
    fields = _base(p, code) | {
        "due": format_date(p.due_at),
        "lookup_url": lookup_link(lookup_url, code),
    }
    new_facts = replace(
        facts,
        civil_status_event=p.civil_status_event or facts.civil_status_event,
        home_service=p.home_service or facts.home_service,
    )
    return Plan(code, p.contact, PlannedMessage(K.RECEIVED, fields), new_facts)


def _refused(p: DossierRefusedAtDesk, code: str, facts: DossierFacts, lookup_url: str) -> Plan:
    return Plan(
        code, p.contact, PlannedMessage(K.REFUSED_AT_DESK, _base(p, code) | {"reason": p.reason})
    )


def _supplement(p: SupplementRequested, code: str, facts: DossierFacts, lookup_url: str) -> Plan:
    kind = K.SUPPLEMENT_AT_DESK if p.stage == "desk" else K.SUPPLEMENT_IN_PROCESSING
    fields = _base(p, code) | {
        "missing_papers": "; ".join(p.missing_papers) or p.reason,
        "reason": p.reason,
    }
    return Plan(code, p.contact, PlannedMessage(kind, fields))


def _apology(p: ApologyIssued, code: str, facts: DossierFacts, lookup_url: str) -> Plan:
    fields = _base(p, code) | {"new_due": format_date(p.new_due_at), "reason": p.reason}
    return Plan(code, p.contact, PlannedMessage(K.APOLOGY, fields))


def _resolved(p: DossierResolved, code: str, facts: DossierFacts, lookup_url: str) -> Plan:
    new_facts = replace(facts, civil_status_event=p.civil_status_event or facts.civil_status_event)
    if facts.home_return_date is not None:
        message = PlannedMessage(
            K.RESULT_READY_AT_HOME,
            _base(p, code) | {"visit_date": format_date(facts.home_return_date)},
        )
    elif facts.home_service:
        return Plan(
            code,
            p.contact,
            None,
            new_facts,
            skipped="served at home: the return visit's message tells the citizen, "
            "not 'come to the desk'",
        )
    else:
        message = PlannedMessage(K.RESULT_READY_AT_DESK, _base(p, code))
    return Plan(code, p.contact, message, new_facts)


def _home_visit(p: HomeVisitScheduled, code: str, facts: DossierFacts, lookup_url: str) -> Plan:
    fields = _base(p, code) | {"visit_date": format_date(p.visit_date)}
    if p.purpose == "return":
        return Plan(
            code,
            p.contact,
            PlannedMessage(K.HOME_VISIT_RETURN, fields),
            replace(facts, home_return_date=p.visit_date),
        )
    return Plan(code, p.contact, PlannedMessage(K.HOME_VISIT_RECEIVE, fields))


def _returned(p: ResultReturned, code: str, facts: DossierFacts, lookup_url: str) -> Plan:
    civil = p.civil_status_event or facts.civil_status_event
    new_facts = replace(facts, civil_status_event=civil)
    if civil is None or p.outcome != ResolutionOutcome.APPROVED:
        return Plan(code, p.contact, None, new_facts, skipped="a returned result needs no message")
    return Plan(code, p.contact, PlannedMessage(LETTERS[civil], _base(p, code)), new_facts)


def _fee_requested(p: FeeRequested, code: str, facts: DossierFacts, lookup_url: str) -> Plan:
    amount = f"{p.amount_vnd:,}".replace(",", ".") + " đ"  # 30.000 đ
    fields = _base(p, code) | {"amount": amount, "payment_url": p.payment_url}
    return Plan(code, p.contact, PlannedMessage(K.FEE_REQUESTED, fields))


def unwanted_now(kind: K, facts: DossierFacts) -> str | None:
    """Why a message planned earlier must not go out after all (checked again before sending,
    in case the facts arrived after the message was made)."""
    if kind == K.SURVEY_OPENED and facts.civil_status_event == CivilStatusEvent.DEATH:
        return "no survey is sent after a death registration"
    return None


def _survey(p: SurveyOpened, code: str, facts: DossierFacts, lookup_url: str) -> Plan:
    if reason := unwanted_now(K.SURVEY_OPENED, facts):
        return Plan(code, p.contact, None, skipped=reason)
    fields = {"code": code, "unit": p.unit_name or "cơ quan giải quyết", "survey_url": p.survey_url}
    return Plan(code, p.contact, PlannedMessage(K.SURVEY_OPENED, fields))


def _feedback_answered(
    p: FeedbackAnswered, code: str, facts: DossierFacts, lookup_url: str
) -> Plan:
    subject = f"hồ sơ {p.dossier_code}" if p.dossier_code else "hòm thư góp ý"
    fields = {
        "unit": p.unit_name or "cơ quan giải quyết",
        "feedback_date": format_date(p.opened_at),
        "subject": subject,
    }
    return Plan(code, p.contact, PlannedMessage(K.FEEDBACK_ANSWERED, fields))


_PLANNERS: dict[type, Callable[..., Plan]] = {
    DossierReceived: _received,
    DossierRefusedAtDesk: _refused,
    SupplementRequested: _supplement,
    ApologyIssued: _apology,
    DossierResolved: _resolved,
    HomeVisitScheduled: _home_visit,
    ResultReturned: _returned,
    SurveyOpened: _survey,
    FeedbackAnswered: _feedback_answered,
    FeeRequested: _fee_requested,
}

HANDLED_EVENTS = tuple(_PLANNERS)
