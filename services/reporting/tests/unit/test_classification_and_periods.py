"""Local days decide early / on time / late, and how a period is read from the counters."""

from datetime import UTC, date, datetime

import pytest

from reporting.domain.classification import Timeliness, classify
from reporting.domain.periods import PeriodSlices, local_day, split_period
from reporting.testing.event_scripts import due, vn

DUE = due(2026, 2, 13)


@pytest.mark.parametrize(
    ("resolved_at", "expected"),
    [
        (vn(2026, 2, 12, 16), Timeliness.EARLY),
        # 01:00 on the 13th in Hà Nội is still the 12th in UTC: the local date decides, on time.
        (datetime(2026, 2, 12, 18, 0, tzinfo=UTC), Timeliness.ON_TIME),
        (vn(2026, 2, 13, 23, 30), Timeliness.ON_TIME),
        # 00:30 on the 14th locally is 17:30 on the 13th in UTC: late.
        (datetime(2026, 2, 13, 17, 30, tzinfo=UTC), Timeliness.LATE),
        (vn(2026, 2, 24), Timeliness.LATE),
    ],
)
def test_resolution_is_classified_by_local_dates(resolved_at, expected):
    assert classify(resolved_at, DUE) == expected


def test_local_day_is_the_desks_calendar():
    assert local_day(datetime(2026, 2, 15, 17, 1, tzinfo=UTC)) == date(2026, 2, 16)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 2, 1), date(2026, 2, 28), PeriodSlices((), ("2026-02", "2026-02"))),
        (
            date(2026, 2, 3),
            date(2026, 2, 20),
            PeriodSlices(((date(2026, 2, 3), date(2026, 2, 20)),), None),
        ),
        (
            date(2026, 1, 15),
            date(2026, 3, 10),
            PeriodSlices(
                ((date(2026, 1, 15), date(2026, 1, 31)), (date(2026, 3, 1), date(2026, 3, 10))),
                ("2026-02", "2026-02"),
            ),
        ),
        (date(2025, 1, 1), date(2025, 12, 31), PeriodSlices((), ("2025-01", "2025-12"))),
        (
            date(2025, 12, 31),
            date(2026, 1, 1),
            PeriodSlices(((date(2025, 12, 31), date(2026, 1, 1)),), None),
        ),
        (
            date(2026, 2, 1),
            date(2026, 3, 5),
            PeriodSlices(((date(2026, 3, 1), date(2026, 3, 5)),), ("2026-02", "2026-02")),
        ),
    ],
)
def test_a_period_is_whole_months_plus_edge_days(start, end, expected):
    assert split_period(start, end) == expected
