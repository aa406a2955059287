"""Feedback (phản ánh, kiến nghị) per unit or per month: received, answered on time, late, still
open, and the on-time rate (Decision 766/QĐ-TTg, satisfaction group). Counted by the day the
feedback came in (`domain/feedback.py`)."""

from dataclasses import dataclass
from datetime import date

from reporting.app.ports import ReportReader
from reporting.domain.feedback import FeedbackFigures
from reporting.domain.scope import ReportTarget


@dataclass(frozen=True)
class FeedbackRow:
    key: str
    label: str
    figures: FeedbackFigures

    def as_dict(self) -> dict[str, object]:
        f = self.figures
        return {
            "key": self.key,
            "label": self.label,
            "received": f.received,
            "answered_on_time": f.answered_on_time,
            "answered_late": f.answered_late,
            "open": f.open,
            "on_time_rate": f.on_time_rate,
        }


async def feedback_report(
    reader: ReportReader, target: ReportTarget, start: date, end: date, group_by: str
) -> tuple[list[FeedbackRow], FeedbackRow]:
    groups = await reader.feedback_counts(target, start, end, group_by)
    rows = [
        FeedbackRow(key, groups[key].label, FeedbackFigures.of(groups[key].counts))
        for key in sorted(groups)
    ]
    return rows, FeedbackRow(
        "total", "Tổng cộng", sum((r.figures for r in rows), FeedbackFigures())
    )
