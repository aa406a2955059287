"""The monthly satisfaction tally (seed 000): counts of the three levels and the satisfied rate."""

from dataclasses import dataclass
from datetime import date

from reporting.app.ports import ReportReader
from reporting.domain.report import rate
from reporting.domain.satisfaction import LEVELS, answer_count, satisfied_count
from reporting.domain.scope import ReportTarget


@dataclass(frozen=True)
class SatisfactionRow:
    key: str
    label: str
    unsatisfied: int
    satisfied: int
    very_satisfied: int

    @property
    def answers(self) -> int:
        return answer_count(self._levels())

    @property
    def satisfied_rate(self) -> float | None:
        """(satisfied + very satisfied) / answers."""
        return rate(satisfied_count(self._levels()), self.answers)

    def _levels(self) -> dict[str, int]:
        return {level: getattr(self, level) for level in LEVELS}


async def satisfaction_report(
    reader: ReportReader, target: ReportTarget, start: date, end: date, group_by: str
) -> tuple[list[SatisfactionRow], SatisfactionRow]:
    groups = await reader.satisfaction_counts(target, start, end, group_by)
    rows = [
        SatisfactionRow(
            key, groups[key].label, **{level: groups[key].counts.get(level, 0) for level in LEVELS}
        )
        for key in sorted(groups)
    ]
    total = SatisfactionRow(
        "total", "Tổng cộng", **{level: sum(getattr(r, level) for r in rows) for level in LEVELS}
    )
    return rows, total
