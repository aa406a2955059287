"""Dossiers of a unit overdue now: still open, clock running, past the due date (calendar days;
working days are not counted here)."""

from dataclasses import dataclass
from datetime import date, datetime

from reporting.app.ports import ReportReader
from reporting.domain.periods import local_day


@dataclass(frozen=True)
class OverdueDossier:
    code: str
    procedure_code: str
    procedure_name: str
    field_code: str
    received_at: datetime
    due_at: datetime  # before any apology: what "late" is judged by
    due_at_in_force: datetime
    apologised: bool
    days_late: int  # calendar days after the due day


async def overdue_now(
    reader: ReportReader, unit_code: str, now: datetime
) -> tuple[date, list[OverdueDossier]]:
    today = local_day(now)
    found = []
    for state in await reader.overdue_dossiers(unit_code, today):
        assert (
            state.received_at and state.original_due_at and state.due_at
        )  # overdue implies received
        found.append(
            OverdueDossier(
                code=state.code,
                procedure_code=state.procedure_code,
                procedure_name=state.procedure_name,
                field_code=state.field_code,
                received_at=state.received_at,
                due_at=state.original_due_at,
                due_at_in_force=state.due_at,
                apologised=state.apologised,
                days_late=(today - local_day(state.original_due_at)).days,
            )
        )
    return today, found
