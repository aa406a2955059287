"""The leader's month (Decree 118/2025/NĐ-CP: the one-stop report; Decision 766/QĐ-TTg:
on-time rate and satisfaction): the figures are reporting's own answer, shown unchanged, and the
suggestion box is survey's. Nothing is recomputed here, so the page equals the API."""

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

ONE_STOP_ROWS = (
    ("carried_over", "Kỳ trước chuyển qua"),
    ("received", "Mới tiếp nhận"),
    ("received_online", "— trực tuyến"),
    ("received_direct", "— trực tiếp"),
    ("received_postal", "— qua bưu chính"),
    ("resolved", "Đã giải quyết"),
    ("resolved_early", "— trước hạn"),
    ("resolved_on_time", "— đúng hạn"),
    ("resolved_late", "— quá hạn"),
    ("in_progress", "Đang giải quyết"),
    ("in_progress_within_time", "— trong hạn"),
    ("in_progress_overdue", "— quá hạn"),
    ("withdrawn", "Rút hồ sơ"),
    ("refused_at_desk", "Từ chối tiếp nhận"),
)
SATISFACTION_ROWS = (
    ("very_satisfied", "Rất hài lòng"),
    ("satisfied", "Hài lòng"),
    ("unsatisfied", "Không hài lòng"),
)


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str | None, today: date) -> "Month":
        try:
            year, month = (int(p) for p in (text or "").split("-"))
            if 1900 <= year <= 2099 and 1 <= month <= 12:
                return cls(year, month)
        except ValueError:
            pass
        return cls(today.year, today.month)

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def until(self, today: date) -> date:
        """The report's last day: the month's end, or today for the month under way (a dossier
        still open is overdue only once its due day has passed, not as of the month's end)."""
        return min(self.last, max(today, self.first))


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}".replace(".", ",") + " %"


def chart_data(total: dict[str, Any], satisfaction: dict[str, Any]) -> dict[str, Any]:
    return {
        "received": {
            "labels": ["Trực tuyến", "Trực tiếp", "Bưu chính"],
            "values": [
                total["received_online"],
                total["received_direct"],
                total["received_postal"],
            ],
        },
        "resolved": {
            "labels": ["Trước hạn", "Đúng hạn", "Quá hạn"],
            "values": [total["resolved_early"], total["resolved_on_time"], total["resolved_late"]],
        },
        "satisfaction": {
            "labels": [label for _, label in SATISFACTION_ROWS],
            "values": [satisfaction[key] for key, _ in SATISFACTION_ROWS],
        },
    }
