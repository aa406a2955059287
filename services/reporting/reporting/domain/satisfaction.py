"""Satisfaction answers (seed 000: không hài lòng / hài lòng / rất hài lòng), one per dossier."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from motcua_shared.contract.envelope import Envelope
from motcua_shared.contract.survey_events import SatisfactionLevel

from reporting.domain.periods import local_day

LEVELS = tuple(level.value for level in SatisfactionLevel)
UNKNOWN_OFFICER = "unknown"


@dataclass(frozen=True)
class SurveyAnswer:
    """An answer as reporting keeps it: who was served where, never who answered."""

    dossier_code: str
    event_id: str
    unit_code: str
    unit_name: str
    province_code: str
    procedure_code: str
    field_code: str
    officer_id: str
    level: str
    answered_day: date


def answer_from(envelope: Envelope[Any], *, province_code: str, unit_name: str) -> SurveyAnswer:
    p = envelope.payload
    return SurveyAnswer(
        dossier_code=p.dossier_code,
        event_id=str(envelope.event_id),
        unit_code=envelope.unit_code,
        unit_name=p.unit_name or unit_name,
        province_code=province_code,
        procedure_code=p.procedure_code,
        field_code=p.field_code,
        officer_id=p.officer_id or UNKNOWN_OFFICER,
        level=str(p.level),
        answered_day=local_day(p.answered_at),
    )


def answer_count(level_counts: dict[str, int]) -> int:
    return sum(level_counts.get(level, 0) for level in LEVELS)


def satisfied_count(level_counts: dict[str, int]) -> int:
    """Satisfied + very satisfied (hài lòng + rất hài lòng)."""
    return level_counts.get(SatisfactionLevel.SATISFIED, 0) + level_counts.get(
        SatisfactionLevel.VERY_SATISFIED, 0
    )
