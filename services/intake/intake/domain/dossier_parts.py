"""The parts a dossier is made of: its history lines (the Phiếu kiểm soát trail), the child
tasks of a linked dossier, its home visits, and the clock policy for supplements."""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field

from motcua_shared.contract.dossier_events import DossierStatus, ResolutionOutcome

from intake.domain.catalogue import TimeLimit


class ClockPolicy(StrEnum):
    """What a supplement during processing does to the due date (domain.md: configurable)."""

    RESTART = "restart"  # the full time limit again from the day the papers arrive
    PAUSE = "pause"  # the due date moves by the working days spent waiting


@dataclass(frozen=True)
class ApologyRule:
    """Form 04 of Appendix I, Circular 03/2025/TT-VPCP (văn bản xin lỗi và đề nghị gia hạn thời
    gian giải quyết; Decree 118/2025/NĐ-CP on late dossiers): issued at the latest one working day
    before the due date, and a dossier gets a new date at most once ("không quá một lần").
    Medium-high confidence (domain.md), so both numbers are settings
    (INTAKE_APOLOGY_LEAD_WORKING_DAYS, INTAKE_APOLOGY_MAX_EXTENSIONS)."""

    lead_working_days: int = 1  # working days in (apology day, due day] at least
    max_extensions: int = 1


class HistoryEntry(BaseModel):
    """One line of the dossier's trail; one event was published for it, same version."""

    version: int
    action: str
    from_status: DossierStatus | None
    status: DossierStatus
    officer_id: str
    at: datetime
    details: dict[str, Any] = Field(default_factory=dict)


class LinkedTask(BaseModel):
    """One agency's part of a linked '3 trong 1' dossier, with its own status and due date."""

    code: str
    agency: str
    agency_name: str
    name: str
    time_limit: TimeLimit
    status: Literal["pending", "resolved"] = "pending"
    due_at: datetime | None = None
    outcome: ResolutionOutcome | None = None
    reason: str | None = None
    resolved_at: datetime | None = None
    officer_id: str | None = None


class HomeVisit(BaseModel):
    visit_date: date
    urgent: bool
    purpose: Literal["receive", "return"]
    scheduled_at: datetime
    officer_id: str
