"""The monthly tally a unit's administrative-reform team reviews (seed 000)."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from motcua_shared.contract.survey_events import SatisfactionLevel
from motcua_shared.vietnam.timeutil import VN_TZ

_MONTH = re.compile(
    r"^((?:19|20)\d{2})-(0[1-9]|1[0-2])$"
)  # 1900–2099: always a datetime, so is the next
SATISFIED_LEVELS = frozenset({SatisfactionLevel.SATISFIED, SatisfactionLevel.VERY_SATISFIED})


@dataclass(frozen=True)
class Month:
    """A calendar month in Asia/Ho_Chi_Minh, the way the unit counts it."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> "Month":
        match = _MONTH.match(text)
        if not match:
            raise ValueError(f"not a YYYY-MM month: {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def start(self) -> datetime:
        """First instant of the month in Vietnam, as UTC."""
        return datetime(self.year, self.month, 1, tzinfo=VN_TZ).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """First instant of the next month in Vietnam, as UTC (exclusive bound)."""
        year, month = (self.year + 1, 1) if self.month == 12 else (self.year, self.month + 1)
        return Month(year, month).start

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Tally:
    answers: int
    counts: dict[SatisfactionLevel, int]
    satisfied_rate: float | None  # (hài lòng + rất hài lòng) / answers; None with no answer


def tally(levels: Iterable[SatisfactionLevel]) -> Tally:
    counts = {level: 0 for level in SatisfactionLevel}
    for level in levels:
        counts[level] += 1
    answers = sum(counts.values())
    satisfied = sum(counts[level] for level in SATISFIED_LEVELS)
    return Tally(answers, counts, round(satisfied / answers, 4) if answers else None)
