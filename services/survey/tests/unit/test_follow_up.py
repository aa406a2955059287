"""Follow-up rules (phản ánh, kiến nghị): what opens one, its deadline, one answer, the contact."""

from datetime import UTC, datetime

import pytest

from motcua_shared.contract.event_base import CitizenContact
from motcua_shared.contract.feedback_events import FeedbackSource
from motcua_shared.contract.survey_events import SatisfactionLevel

from survey.domain.errors import FollowUpAlreadyAnswered
from survey.domain.follow_up import (
    answer_needs_follow_up,
    contact_to_tell,
    feedback_due_at,
    open_follow_up,
    suggestion_contact,
    suggestion_needs_follow_up,
)

# Mon 24/08/2026 09:00 +07. Ten working days skip 31/08 (substituted day off), 01/09 and 02/09.
MONDAY = datetime(2026, 8, 24, 2, 0, tzinfo=UTC)
DUE = datetime(2026, 9, 10, 16, 59, 59, 999_000, tzinfo=UTC)  # end of Thu 10/09 in Vietnam


def _follow_up(contact: CitizenContact | None = None, opened_at: datetime = MONDAY):
    return open_follow_up(
        follow_up_id="f" * 32,
        unit_code="79-27100",
        unit_name="UBND phường Bình Thạnh",
        province_code="79",
        source=FeedbackSource.SURVEY,
        source_id="s1",
        dossier_code="D-1",
        feedback="Chờ lâu",
        opened_at=opened_at,
        working_days=10,
        correlation_id="c",
        contact=contact,
    )


def test_only_an_unhappy_answer_opens_a_follow_up() -> None:
    assert answer_needs_follow_up(SatisfactionLevel.UNSATISFIED)
    assert not answer_needs_follow_up(SatisfactionLevel.SATISFIED)
    assert not answer_needs_follow_up(SatisfactionLevel.VERY_SATISFIED)


def test_only_a_suggestion_with_a_contact_opens_one() -> None:
    assert suggestion_needs_follow_up("0912 345 678")
    assert suggestion_needs_follow_up("dan@example.vn")
    assert not suggestion_needs_follow_up(None) and not suggestion_needs_follow_up("   ")


def test_due_at_the_end_of_the_tenth_working_day_across_holidays() -> None:
    assert feedback_due_at(MONDAY, 10) == DUE
    assert _follow_up().due_at == DUE


def test_a_saturday_evening_counts_from_the_next_working_days() -> None:
    saturday_night = datetime(2026, 8, 22, 15, 30, tzinfo=UTC)  # Sat 22/08 22:30 +07
    assert feedback_due_at(saturday_night, 1) == datetime(
        2026, 8, 24, 16, 59, 59, 999_000, tzinfo=UTC
    )


def test_overdue_only_after_the_deadline_and_while_unanswered() -> None:
    follow_up = _follow_up()
    assert not follow_up.is_overdue(DUE)
    assert follow_up.is_overdue(DUE.replace(microsecond=999_001))
    assert not follow_up.answered("Đã nhắc nhở cán bộ", "leader-1", DUE).is_overdue(
        DUE.replace(year=2027)
    )


def test_answered_once_on_time_or_late() -> None:
    on_time = _follow_up().answered("  Đã xin lỗi công dân  ", "leader-1", DUE)
    assert on_time.answered_on_time is True and on_time.response.action == "Đã xin lỗi công dân"
    late = _follow_up().answered("Đã xử lý", "leader-1", DUE.replace(day=11))
    assert late.answered_on_time is False
    with pytest.raises(FollowUpAlreadyAnswered):
        on_time.answered("again", "leader-1", DUE)


def test_the_contact_is_kept_only_with_consent_and_a_mobile_and_dropped_by_the_answer() -> None:
    assert contact_to_tell(CitizenContact(phone="0912345678", consent=False)) is None
    assert contact_to_tell(CitizenContact(phone=None, consent=True)) is None
    assert contact_to_tell(CitizenContact(phone="02838123456", consent=True)) is None  # a landline
    follow_up = _follow_up(CitizenContact(phone="0912 345 678", consent=True))
    assert follow_up.contact == CitizenContact(phone="+84912345678", consent=True)
    assert follow_up.tells_citizen
    answered = follow_up.answered("Đã xử lý", "leader-1", MONDAY)
    assert answered.contact is None and answered.citizen_told and answered.tells_citizen
    assert not _follow_up().answered("Đã xử lý", "leader-1", MONDAY).citizen_told


def test_a_suggestion_contact_is_usable_only_as_a_consented_mobile() -> None:
    assert suggestion_contact("0912.345.678", True) == CitizenContact(
        phone="+84912345678", consent=True
    )
    assert suggestion_contact("0912.345.678", False) is None
    assert suggestion_contact("dan@example.vn", True) is None
