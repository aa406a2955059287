"""The desk's work lists (sổ theo dõi hồ sơ, Circular 03/2025/TT-VPCP Appendix I form 07, kept
as lists): what each list holds and how many working days a dossier has left.

Decree 118/2025/NĐ-CP asks the one-stop section to follow each dossier to its due date and to
apologise before it is late; these lists are how the desk sees what needs doing today. Pure:
the adapter turns a `ListFilter` into a query.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from motcua_shared.contract.dossier_events import DossierStatus

from intake.domain.calendar import WorkingCalendar, end_of_day

OPEN = (DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS)  # the clock is running
DUE_SOON_WORKING_DAYS = 2


class WorkList(StrEnum):
    RECEIVED_TODAY = "received_today"  # tiếp nhận hôm nay
    MINE = "mine"  # đang ở chỗ tôi (hand-overs to me)
    DUE_SOON = "due_soon"  # đến hạn trong 2 ngày làm việc
    OVERDUE = "overdue"  # quá hạn
    AWAITING_SUPPLEMENT = "awaiting_supplement"  # chờ bổ sung
    READY_TO_RETURN = "ready_to_return"  # chờ trả kết quả
    HOME_VISITS = "home_visits"  # hẹn đến tận nhà trong tháng


@dataclass(frozen=True)
class ListFilter:
    unit: str
    statuses: tuple[DossierStatus, ...] | None = None
    officer: str | None = None
    received_from: datetime | None = None
    received_before: datetime | None = None
    due_from: datetime | None = None
    due_before: datetime | None = None
    visit_from: date | None = None
    visit_before: date | None = None


def list_filter(
    name: WorkList, unit: str, officer: str, now: datetime, today: date, calendar: WorkingCalendar
) -> ListFilter:
    start_of_today = end_of_day(today - timedelta(days=1)) + timedelta(milliseconds=1)
    if name is WorkList.RECEIVED_TODAY:
        return ListFilter(unit, received_from=start_of_today, received_before=end_of_day(today))
    if name is WorkList.MINE:
        return ListFilter(
            unit, statuses=(*OPEN, DossierStatus.SUPPLEMENT_REQUESTED), officer=officer
        )
    if name is WorkList.DUE_SOON:
        last = calendar.add_working_days(today, DUE_SOON_WORKING_DAYS)
        return ListFilter(unit, statuses=OPEN, due_from=now, due_before=end_of_day(last))
    if name is WorkList.OVERDUE:
        return ListFilter(unit, statuses=OPEN, due_before=now)
    if name is WorkList.AWAITING_SUPPLEMENT:
        return ListFilter(
            unit, statuses=(DossierStatus.AWAITING_PAPERS, DossierStatus.SUPPLEMENT_REQUESTED)
        )
    if name is WorkList.READY_TO_RETURN:
        return ListFilter(unit, statuses=(DossierStatus.RESOLVED,))
    first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return ListFilter(unit, visit_from=first, visit_before=following)


def working_days_left(due: date, today: date, calendar: WorkingCalendar) -> int:
    """0 = due today; negative = working days late."""
    if due >= today:
        return calendar.working_days_between(today, due)
    return -calendar.working_days_between(due, today)
