"""At risk of being late, before the due date: a simple estimate from the procedure's history.

When a dossier of a procedure is resolved, each step it went through leaves one sample: the
working days from entering that step (receipt = 'tiep-nhan', then each hand-over's step) to the
resolution. For an open dossier that entered step S on day D, the predicted resolution day is D
plus the 75th percentile of S's samples for its procedure (the last 50 kept); it is at risk when
that day is after its due day. Fewer than 5 samples → no opinion (not at risk). A quantile of
what really happened, not a model: easy to explain at the desk and to check by hand. This is
beyond the rule (Decree 118/2025/NĐ-CP only asks for the apology before the due date); it helps
the desk ask for it in time.
"""

import math
from datetime import date, datetime

from intake.domain.calendar import WorkingCalendar, local_date
from intake.domain.deadlines import RECEIPT_STEP
from intake.domain.dossier_parts import HistoryEntry

MIN_SAMPLES = 5
QUANTILE = 0.75
KEEP_SAMPLES = 50


def step_samples(
    history: list[HistoryEntry], resolved_at: datetime, calendar: WorkingCalendar
) -> dict[str, list[int]]:
    """Working days from entering each step to the resolution, per step (a step entered twice
    gives two samples)."""
    samples: dict[str, list[int]] = {}
    resolved_day = local_date(resolved_at)
    for entry in history:
        step = (
            RECEIPT_STEP
            if entry.action == "receive"
            else entry.details.get("step")
            if entry.action == "hand-over"
            else None
        )
        if step:
            samples.setdefault(step, []).append(
                calendar.working_days_between(local_date(entry.at), resolved_day)
            )
    return samples


def predicted_resolution(
    samples: list[int], entered_at: datetime, calendar: WorkingCalendar
) -> date | None:
    if len(samples) < MIN_SAMPLES:
        return None
    ordered = sorted(samples)
    typical = ordered[math.ceil(QUANTILE * len(ordered)) - 1]
    return calendar.add_working_days(local_date(entered_at), typical)


def at_risk(
    samples: list[int], entered_at: datetime, due_at: datetime | None, calendar: WorkingCalendar
) -> bool:
    predicted = predicted_resolution(samples, entered_at, calendar)
    return predicted is not None and due_at is not None and predicted > local_date(due_at)
