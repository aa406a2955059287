"""The report table's arithmetic and who may see which report."""

import pytest

from reporting.domain import counts
from reporting.domain.report import build_row, total_row
from reporting.domain.scope import AccessScope, ReportTarget


def test_carried_over_and_in_progress_follow_from_counters():
    before = {"received_direct": 5, "resolved_on_time": 2, "withdrawn": 1}  # 2 still open at `from`
    period = {
        "received_online": 3,
        "received_direct": 1,
        "resolved_early": 1,
        "resolved_late": 1,
        counts.RESOLVED_REFUSED: 1,
        "withdrawn": 1,
        "refused_at_desk": 4,
    }
    row = build_row("26734", "UBND", period, before, overdue=1)
    assert (row.carried_over, row.received, row.to_handle) == (2, 4, 6)
    assert (row.resolved, row.withdrawn, row.in_progress) == (2, 1, 3)
    assert (row.in_progress_overdue, row.in_progress_within_time) == (1, 2)
    assert (row.on_time_rate, row.early_rate, row.online_rate) == (0.5, 0.5, 0.75)
    assert row.refused_at_desk == 4  # outside "to handle"


def test_rates_are_none_without_a_denominator_and_totals_sum():
    empty = build_row("x", "x", {}, {}, 0)
    assert (empty.on_time_rate, empty.online_rate) == (None, None)
    one = build_row("a", "A", {"received_direct": 2, "resolved_on_time": 1}, {}, 0)
    two = build_row("b", "B", {"received_online": 2, "resolved_late": 1}, {"received_postal": 1}, 1)
    total = total_row([one, two])
    assert (total.received, total.carried_over, total.in_progress, total.in_progress_overdue) == (
        4,
        1,
        3,
        1,
    )
    assert total.on_time_rate == 0.5 and total.online_rate == 0.5


def test_a_report_is_for_one_unit_or_one_province():
    with pytest.raises(ValueError):
        ReportTarget(unit="1", province="79")
    with pytest.raises(ValueError):
        ReportTarget()


def test_a_province_scope_sees_its_province_and_its_units_only():
    scope = AccessScope(province="79")
    assert scope.allows(ReportTarget(province="79"))
    assert not scope.allows(ReportTarget(province="92"))
    assert scope.allows(ReportTarget(unit="26734"), unit_province="79")
    assert not scope.allows(ReportTarget(unit="31120"), unit_province="92")
    assert not scope.allows(ReportTarget(unit="99999"), unit_province=None)


def test_a_unit_set_scope_sees_its_units_and_no_province():
    scope = AccessScope(units=frozenset({"26734", "26737"}))
    assert scope.allows(ReportTarget(unit="26737"))
    assert not scope.allows(ReportTarget(unit="31120"), unit_province="79")
    assert not scope.allows(ReportTarget(province="79"))
