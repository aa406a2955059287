"""The apology and new due date (văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết, form 04
of Appendix I, Circular 03/2025/TT-VPCP; Decree 118/2025/NĐ-CP on late dossiers): issued at least
`rule.lead_working_days` working day(s) before the due date in force (so never on its last day),
for a later working day, at most `rule.max_extensions` time(s) per dossier. Which date a late
result is judged by (the first) is the dossier's business, not this check's."""

from datetime import date, datetime

from motcua_shared.contract.dossier_events import DossierStatus
from motcua_shared.vietnam.timeutil import LAST_DAY

from intake.domain.calendar import WorkingCalendar, end_of_day, local_date
from intake.domain.dossier_parts import ApologyRule
from intake.domain.errors import IllegalTransition, RuleViolation
from intake.domain.lifecycle import Action


def extended_due_at(
    status: DossierStatus,
    due_at: datetime,
    apologies: int,
    at: datetime,
    new_due_date: date,
    calendar: WorkingCalendar,
    rule: ApologyRule,
) -> datetime:
    """The new due time an apology made `at` may set, or IllegalTransition / RuleViolation."""
    if apologies >= rule.max_extensions:
        raise IllegalTransition(
            Action.APOLOGISE.value,
            status,
            "Hồ sơ đã được hẹn lại ngày trả kết quả; chỉ được gia hạn một lần",
            "This dossier already had its new date; it may be extended only once",
        )
    due_day = local_date(due_at)
    if at > due_at:
        raise IllegalTransition(
            Action.APOLOGISE.value,
            status,
            "Phải xin lỗi trước ngày hẹn trả kết quả",
            "The apology must come before the current due date",
        )
    if calendar.working_days_between(local_date(at), due_day) < rule.lead_working_days:
        raise IllegalTransition(
            Action.APOLOGISE.value,
            status,
            "Văn bản xin lỗi phải được gửi chậm nhất 01 ngày làm việc trước ngày hẹn "
            "trả kết quả; hôm nay đã là hạn cuối",
            "The apology must be issued at least one working day before the due "
            "date; today is the last day",
        )
    if new_due_date > LAST_DAY:  # the calendar (and its deadline alarms) ends there
        raise RuleViolation(
            "new_due_date",
            f"Ngày hẹn mới phải trước {LAST_DAY:%d/%m/%Y}",
            f"The new due date must be before {LAST_DAY}",
        )
    new_due_at = end_of_day(new_due_date)
    if new_due_at <= due_at:
        raise RuleViolation(
            "new_due_date",
            "Ngày hẹn mới phải sau ngày hẹn hiện tại",
            "The new due date must be after the current one",
        )
    if not calendar.is_working_day(new_due_date):
        raise RuleViolation(
            "new_due_date",
            "Ngày hẹn mới phải là ngày làm việc",
            "The new due date must be a working day",
        )
    return new_due_at
