"""Dossier codes: `<unit code>-YYMMDD-NNNN`, a daily sequence per unit (local date)."""

from datetime import date


def counter_key(unit_code: str, day: date) -> str:
    return f"{unit_code}:{day:%Y%m%d}"


def dossier_code(unit_code: str, day: date, sequence: int) -> str:
    return f"{unit_code}-{day:%y%m%d}-{sequence:04d}"


def task_code(parent_code: str, agency: str) -> str:
    """A linked dossier's child task: one per agency."""
    return f"{parent_code}-{agency}"
