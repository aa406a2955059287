"""The one-stop report and the service-index indicators for a unit or a province and a period.

Two reads of counters (the period's and everything before it: rollups per unit or province ×
year, days only at the period's ragged ends), whatever the size of the province or the period: the
overdue-as-of-the-end figure is a rollup in those same counters (counts.OVERDUE_CHANGE), not a
query over the dossiers."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reporting.app.ports import Labelled, ReportReader
from reporting.domain import counts
from reporting.domain.feedback import FeedbackFigures
from reporting.domain.periods import split_period
from reporting.domain.report import OneStopRow, build_row, rate, total_row
from reporting.domain.satisfaction import LEVELS, answer_count, satisfied_count
from reporting.domain.scope import ReportTarget


@dataclass(frozen=True)
class OneStopReport:
    rows: list[OneStopRow]
    total: OneStopRow
    # The service-index counters of the period per row key (digitisation, payments).
    service: dict[str, counts.Counts] = field(default_factory=dict)


def _counts(groups: dict[str, Labelled], key: str) -> dict[str, int]:
    return groups[key].counts if key in groups else {}


async def one_stop_report(
    reader: ReportReader, target: ReportTarget, start: date, end: date, group_by: str
) -> OneStopReport:
    period = await reader.period_counts(target, split_period(start, end), group_by)
    before = await reader.counts_before(target, start, group_by)
    rows = []
    for key in sorted(set(period) | set(before)):
        label = next(groups[key].label for groups in (period, before) if key in groups)
        row = build_row(
            key,
            label,
            _counts(period, key),
            _counts(before, key),
            counts.overdue_as_of_end(_counts(before, key), _counts(period, key)),
        )
        if row.to_handle or row.refused_at_desk:  # a group whose history is all finished: no row
            rows.append(row)
    # Groups the period's counters name: not those holding only the overdue rollup (a dossier's
    # due day falling in the period is no service-index activity).
    service = {
        key: {name: item.counts.get(name, 0) for name in counts.SERVICE_FIELDS}
        for key, item in period.items()
        if any(value for name, value in item.counts.items() if name != counts.OVERDUE_CHANGE)
    }
    return OneStopReport(rows, total_row(rows), service)


@dataclass(frozen=True)
class IndicatorRow:
    key: str
    label: str
    resolved: int
    resolved_in_time: int
    on_time_rate: float | None
    received: int
    received_online: int
    online_rate: float | None
    answers: int
    satisfied_answers: int
    satisfaction_rate: float | None
    digitised_papers: int
    digitised_papers_rate: float | None
    digitised_results: int
    digitised_results_rate: float | None
    fees_paid_online: int
    fees_paid_cash: int
    fees_waived: int
    online_payment_rate: float | None
    # Feedback (phản ánh, kiến nghị) is a unit's, not a field's or a procedure's: None on such rows.
    feedback_received: int | None = None
    feedback_answered_on_time: int | None = None
    feedback_answered_late: int | None = None
    feedback_on_time_rate: float | None = None


def _indicator_row(
    row: OneStopRow,
    levels: dict[str, int],
    service: counts.Counts,
    feedback: FeedbackFigures | None,
) -> IndicatorRow:
    answers, satisfied = answer_count(levels), satisfied_count(levels)
    papers, results = (
        service.get(counts.DIGITISED_PAPERS, 0),
        service.get(counts.DIGITISED_RESULTS, 0),
    )
    online, cash = service.get(counts.FEES_PAID_ONLINE, 0), service.get(counts.FEES_PAID_CASH, 0)
    figures: dict[str, Any] = (
        {}
        if feedback is None
        else {
            "feedback_received": feedback.received,
            "feedback_answered_on_time": feedback.answered_on_time,
            "feedback_answered_late": feedback.answered_late,
            "feedback_on_time_rate": feedback.on_time_rate,
        }
    )
    return IndicatorRow(
        key=row.key,
        label=row.label,
        resolved=row.resolved,
        resolved_in_time=row.resolved_early + row.resolved_on_time,
        on_time_rate=row.on_time_rate,
        received=row.received,
        received_online=row.received_online,
        online_rate=row.online_rate,
        answers=answers,
        satisfied_answers=satisfied,
        satisfaction_rate=rate(satisfied, answers),
        digitised_papers=papers,
        digitised_papers_rate=rate(papers, row.received),
        digitised_results=results,
        digitised_results_rate=rate(results, row.resolved),
        fees_paid_online=online,
        fees_paid_cash=cash,
        fees_waived=service.get(counts.FEES_WAIVED, 0),
        online_payment_rate=rate(online, online + cash),
        **figures,
    )


async def indicators(
    reader: ReportReader, target: ReportTarget, start: date, end: date, group_by: str
) -> tuple[list[IndicatorRow], IndicatorRow]:
    report = await one_stop_report(reader, target, start, end, group_by)
    satisfaction = await reader.satisfaction_counts(target, start, end, group_by)
    feedback = await reader.feedback_counts(target, start, end, "unit")
    by_key = {row.key: row for row in report.rows}
    for key, labelled in satisfaction.items():  # answered, but nothing handled in the period
        by_key.setdefault(key, build_row(key, labelled.label, {}, {}, 0))
    for key in report.service:  # digitised or paid, but nothing received or resolved in the period
        by_key.setdefault(key, build_row(key, key, {}, {}, 0))
    per_unit = group_by == "unit"
    if per_unit:
        for key, labelled in feedback.items():  # feedback came in, but nothing else happened
            by_key.setdefault(key, build_row(key, labelled.label, {}, {}, 0))
    rows = [
        _indicator_row(
            by_key[key],
            _counts(satisfaction, key),
            report.service.get(key, {}),
            FeedbackFigures.of(_counts(feedback, key)) if per_unit else None,
        )
        for key in sorted(by_key)
    ]
    all_levels = {
        level: sum(_counts(satisfaction, key).get(level, 0) for key in satisfaction)
        for level in LEVELS
    }
    all_service = {
        name: sum(s.get(name, 0) for s in report.service.values()) for name in counts.SERVICE_FIELDS
    }
    all_feedback = sum((FeedbackFigures.of(f.counts) for f in feedback.values()), FeedbackFigures())
    return rows, _indicator_row(report.total, all_levels, all_service, all_feedback)
