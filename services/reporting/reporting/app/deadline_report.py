"""Deadlines per unit (or field, procedure) and period: dossiers warned before their due date,
apologised in time (letter of apology and request to extend before the statutory date, form 04
of Circular 03/2025/TT-VPCP), that went overdue while being processed, and resolved late (the
one-stop table's figure, beside them). From the counters the pure domain keeps
(domain/dossier_projection.py, counts.DEADLINE_FIELDS)."""

from dataclasses import dataclass, fields
from datetime import date

from reporting.app.ports import ReportReader
from reporting.domain import counts
from reporting.domain.periods import split_period
from reporting.domain.scope import ReportTarget


@dataclass(frozen=True)
class DeadlineRow:
    key: str
    label: str
    warned: int
    apologised_in_time: int
    went_overdue: int
    resolved_late: int


async def deadline_report(
    reader: ReportReader, target: ReportTarget, start: date, end: date, group_by: str
) -> tuple[list[DeadlineRow], DeadlineRow]:
    period = await reader.period_counts(target, split_period(start, end), group_by)
    names = (*counts.DEADLINE_FIELDS, counts.RESOLVED_LATE)
    rows = [
        DeadlineRow(key, labelled.label, **{n: labelled.counts.get(n, 0) for n in names})
        for key, labelled in sorted(period.items())
        if any(labelled.counts.get(n, 0) for n in names)
    ]
    total = DeadlineRow(
        "total",
        "Tổng cộng",
        **{
            f.name: sum(getattr(r, f.name) for r in rows)
            for f in fields(DeadlineRow)
            if f.name not in ("key", "label")
        },
    )
    return rows, total
