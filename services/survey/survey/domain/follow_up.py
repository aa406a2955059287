"""A follow-up of a citizen's feedback (phản ánh, kiến nghị) for the unit's leader.

Rules:
- A "không hài lòng" survey answer opens one, and so does a suggestion-box note whose writer
  left a contact (a note without one is anonymous-only: there is nobody to answer).
- It is due at the end of the N-th working day after the day it opened (Asia/Ho_Chi_Minh,
  the shared working-day calendar; N = SURVEY_FEEDBACK_DUE_WORKING_DAYS, default 10: provinces
  set their own time, so it is a setting). Decree 118/2025/NĐ-CP and Circular 03/2025/TT-VPCP
  make citizens' satisfaction and their feedback part of how the one-stop desk is assessed; the
  service index (Decision 766/QĐ-TTg) scores feedback handled on time.
- The leader of its unit answers once, recording what was done; on time if by `due_at`.
- The citizen is told only with a mobile phone and their consent. The contact is kept only
  while needed (Decree 13/2023/NĐ-CP): it leaves the follow-up when the answer is recorded, in
  the same transaction as the FeedbackAnswered event that carries it to notify.
"""

from dataclasses import dataclass, replace
from datetime import datetime

from motcua_shared.contract.event_base import CitizenContact
from motcua_shared.contract.feedback_events import FeedbackSource
from motcua_shared.contract.survey_events import SatisfactionLevel
from motcua_shared.vietnam.phones import InvalidPhone, normalise_phone
from motcua_shared.vietnam.working_days import WorkingCalendar, end_of_day, local_date

from survey.domain.errors import FollowUpAlreadyAnswered

DEFAULT_DUE_WORKING_DAYS = 10
ACTION_MAX_LENGTH = 2000


@dataclass(frozen=True)
class FeedbackResponse:
    """What the leader recorded as done, by whom and when."""

    action: str
    by: str
    answered_at: datetime


@dataclass(frozen=True)
class FollowUp:
    follow_up_id: str
    unit_code: str
    unit_name: str | None
    province_code: str | None
    source: FeedbackSource
    source_id: str  # the survey or suggestion it follows up
    dossier_code: str | None
    feedback: str | None  # the comment or the note, for the leader to read
    opened_at: datetime
    due_at: datetime
    correlation_id: str
    contact: CitizenContact | None  # only with a phone and consent; None once answered
    response: FeedbackResponse | None = None
    citizen_told: bool = False  # the answer went to notify with the contact

    @property
    def tells_citizen(self) -> bool:
        """The citizen left a mobile phone and consent: they will be (or were) told the answer."""
        return self.contact is not None or self.citizen_told

    def is_overdue(self, now: datetime) -> bool:
        return self.response is None and now > self.due_at

    @property
    def answered_on_time(self) -> bool | None:
        return None if self.response is None else self.response.answered_at <= self.due_at

    def answered(self, action: str, by: str, now: datetime) -> "FollowUp":
        """The answered follow-up, without the contact (it travels once, in FeedbackAnswered)."""
        if self.response is not None:
            raise FollowUpAlreadyAnswered(self.follow_up_id)
        return replace(
            self,
            response=FeedbackResponse(action.strip(), by, now),
            contact=None,
            citizen_told=self.contact is not None,
        )


def feedback_due_at(
    opened_at: datetime, working_days: int, calendar: WorkingCalendar | None = None
) -> datetime:
    """End of the `working_days`-th working day after the day the feedback came in."""
    calendar = calendar or WorkingCalendar()
    return end_of_day(calendar.add_working_days(local_date(opened_at), working_days))


def answer_needs_follow_up(level: SatisfactionLevel) -> bool:
    return level == SatisfactionLevel.UNSATISFIED


def suggestion_needs_follow_up(contact: str | None) -> bool:
    """Not anonymous-only: the writer left a way to answer them."""
    return bool((contact or "").strip())


def contact_to_tell(contact: CitizenContact | None) -> CitizenContact | None:
    """The contact worth keeping for the answer: a mobile phone and consent, else nothing."""
    if contact is None or not contact.consent or not contact.phone:
        return None
    try:
        phone = normalise_phone(contact.phone)
    except InvalidPhone:
        return None
    return CitizenContact(phone=phone, consent=True, preferred_channel=contact.preferred_channel)


def suggestion_contact(text: str | None, consent: bool) -> CitizenContact | None:
    """A suggestion's free-text contact as something notify can use: a mobile number the
    writer agreed to be messaged on. An e-mail or a landline stays for the leader to use."""
    return contact_to_tell(CitizenContact(phone=(text or "").strip() or None, consent=consent))


def open_follow_up(
    *,
    follow_up_id: str,
    unit_code: str,
    unit_name: str | None,
    province_code: str | None,
    source: FeedbackSource,
    source_id: str,
    dossier_code: str | None,
    feedback: str | None,
    opened_at: datetime,
    working_days: int,
    correlation_id: str,
    contact: CitizenContact | None,
) -> FollowUp:
    return FollowUp(
        follow_up_id=follow_up_id,
        unit_code=unit_code,
        unit_name=unit_name,
        province_code=province_code,
        source=source,
        source_id=source_id,
        dossier_code=dossier_code,
        feedback=feedback,
        opened_at=opened_at,
        due_at=feedback_due_at(opened_at, working_days),
        correlation_id=correlation_id,
        contact=contact_to_tell(contact),
    )
