"""The one-stop report table (biểu thống kê tình hình giải quyết TTHC) from counters.

For a period [from, to]:
- carried over = received before `from` − finished before `from` (finished = resolved or
  withdrawn; a dossier finishes after it is received, so this is "received before, not
  finished before");
- to handle = carried over + received (online, direct, postal) in the period;
- resolved (early, on time, late) and withdrawn in the period;
- in progress at the end of `to` = to handle − resolved − withdrawn, of which overdue (due
  day before `to`, clock running) and within time;
- refused at the desk (not received, outside "to handle"); refused outcome (part of resolved).
"""

from dataclasses import asdict, dataclass, fields

from reporting.domain import counts


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass(frozen=True)
class OneStopRow:
    key: str
    label: str
    carried_over: int
    received_online: int
    received_direct: int
    received_postal: int
    resolved_early: int
    resolved_on_time: int
    resolved_late: int
    resolved_refused: int
    withdrawn: int
    refused_at_desk: int
    in_progress: int
    in_progress_overdue: int

    @property
    def received(self) -> int:
        return self.received_online + self.received_direct + self.received_postal

    @property
    def to_handle(self) -> int:
        return self.carried_over + self.received

    @property
    def resolved(self) -> int:
        return self.resolved_early + self.resolved_on_time + self.resolved_late

    @property
    def in_progress_within_time(self) -> int:
        return self.in_progress - self.in_progress_overdue

    @property
    def on_time_rate(self) -> float | None:
        """(early + on time) / resolved."""
        return rate(self.resolved_early + self.resolved_on_time, self.resolved)

    @property
    def early_rate(self) -> float | None:
        return rate(self.resolved_early, self.resolved)

    @property
    def online_rate(self) -> float | None:
        """Received online / received."""
        return rate(self.received_online, self.received)

    def as_dict(self) -> dict[str, object]:
        derived = (
            "received",
            "to_handle",
            "resolved",
            "in_progress_within_time",
            "on_time_rate",
            "early_rate",
            "online_rate",
        )
        return asdict(self) | {name: getattr(self, name) for name in derived}


def build_row(
    key: str, label: str, period: counts.Counts, before: counts.Counts, overdue: int
) -> OneStopRow:
    carried_over = counts.received(before) - counts.finished(before)
    in_progress = carried_over + counts.received(period) - counts.finished(period)
    return OneStopRow(
        key=key,
        label=label,
        carried_over=carried_over,
        **{name: period.get(name, 0) for name in counts.COUNT_FIELDS},
        in_progress=in_progress,
        in_progress_overdue=overdue,
    )


def total_row(rows: list[OneStopRow], label: str = "Tổng cộng") -> OneStopRow:
    summed = {
        f.name: sum(getattr(row, f.name) for row in rows)
        for f in fields(OneStopRow)
        if f.name not in ("key", "label")
    }
    return OneStopRow(key="total", label=label, **summed)
