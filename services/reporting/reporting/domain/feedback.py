"""Feedback (phản ánh, kiến nghị) counted per unit × local day of receipt: received, answered on
time, answered late — the satisfaction group of the service index (Decision 766/QĐ-TTg) scores
feedback handled on time (domain.md, "Reporting"). Survey opens a follow-up for an unhappy
answer or a suggestion that left a contact, and its leader answers it (Decree 118/2025/NĐ-CP).

Both answers are counted on the day the feedback came in, so a month's row reads "of what was
received that month, answered on time / late / still open". On time = answered by the due
instant (`answered_at <= due_at`), computed here from the event's own times. Nothing personal
is kept: the contact on FeedbackAnswered is never read.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from motcua_shared.contract.envelope import Envelope
from motcua_shared.contract.feedback_events import FeedbackAnswered, FeedbackOpened

from reporting.domain.periods import local_day
from reporting.domain.report import rate

RECEIVED = "feedback_received"
ANSWERED_ON_TIME = "feedback_answered_on_time"
ANSWERED_LATE = "feedback_answered_late"
FEEDBACK_FIELDS = (RECEIVED, ANSWERED_ON_TIME, ANSWERED_LATE)


@dataclass(frozen=True)
class FeedbackCount:
    """Add one to counter `name` of the unit's feedback received on local day `day`."""

    unit_code: str
    unit_name: str | None
    province_code: str | None
    day: date
    name: str


def feedback_count(envelope: Envelope[Any]) -> FeedbackCount:
    p = envelope.payload
    if isinstance(p, FeedbackOpened):
        name = RECEIVED
    elif isinstance(p, FeedbackAnswered):
        name = ANSWERED_ON_TIME if p.answered_at <= p.due_at else ANSWERED_LATE
    else:
        raise TypeError(f"not a feedback event: {envelope.event_type}")
    return FeedbackCount(
        envelope.unit_code, p.unit_name, p.province_code, local_day(p.opened_at), name
    )


@dataclass(frozen=True)
class FeedbackFigures:
    received: int = 0
    answered_on_time: int = 0
    answered_late: int = 0

    @classmethod
    def of(cls, counts: dict[str, int]) -> "FeedbackFigures":
        return cls(
            counts.get(RECEIVED, 0), counts.get(ANSWERED_ON_TIME, 0), counts.get(ANSWERED_LATE, 0)
        )

    @property
    def answered(self) -> int:
        return self.answered_on_time + self.answered_late

    @property
    def open(self) -> int:
        """Received and not answered yet (as of now: answers are counted on the receipt day)."""
        return self.received - self.answered

    @property
    def on_time_rate(self) -> float | None:
        """Answered on time / received: an open one is not (yet) on time."""
        return rate(self.answered_on_time, self.received)

    def __add__(self, other: "FeedbackFigures") -> "FeedbackFigures":
        return FeedbackFigures(
            self.received + other.received,
            self.answered_on_time + other.answered_on_time,
            self.answered_late + other.answered_late,
        )
