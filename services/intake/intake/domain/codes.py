"""Dossier codes (mã hồ sơ), Circular 03/2025/TT-VPCP art. 13 as amended by Circular
04/2025/TT-VPCP: the processing unit's electronic identifier (mã định danh điện tử; our unit
code where the catalogue has none), `-YYMMDD-` (the local receipt date), then the day's
sequence "of at least 4 characters, as long as the day's dossiers need": 0001 … 9999, 10000 …
(never refused, never wrapped, so the 10,000th dossier of a day does not collide)."""

from datetime import date

MIN_SEQUENCE_DIGITS = 4


def counter_key(unit_code: str, day: date) -> str:
    return f"{unit_code}:{day:%Y%m%d}"


def dossier_code(unit_prefix: str, day: date, sequence: int) -> str:
    if sequence < 1:
        raise ValueError(f"a daily sequence starts at 1, got {sequence}")
    return f"{unit_prefix}-{day:%y%m%d}-{sequence:0{MIN_SEQUENCE_DIGITS}d}"


def task_code(parent_code: str, agency: str) -> str:
    """A linked dossier's child task: one per agency."""
    return f"{parent_code}-{agency}"
