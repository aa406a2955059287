"""Units and the procedure catalogue (thủ tục hành chính): public facts of the desk."""

from datetime import time
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from motcua_shared.contract.dossier_events import CivilStatusEvent

from intake.domain.fees import FeeDue


class UnitLevel(StrEnum):
    PROVINCE = "province"  # tỉnh / thành phố trực thuộc trung ương
    DISTRICT = "district"  # huyện / quận (before 1 July 2025; kept for old data)
    COMMUNE = "commune"  # xã / phường / đặc khu


class VisitRule(BaseModel):
    """When the desk visits citizens at home (seed 004, configurable per unit):
    the `week_of_month`-th `weekday` of the month (Mon=0), urgent cases `urgent_weekday`."""

    model_config = ConfigDict(frozen=True)

    weekday: int = Field(3, ge=0, le=6)  # Thursday
    week_of_month: int = Field(3, ge=1, le=4)
    urgent_weekday: int = Field(4, ge=0, le=6)  # the Friday of that week


class Unit(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    name: str
    level: UnitLevel
    parent_code: str | None = None
    province_code: str
    home_visit_rule: VisitRule = VisitRule()
    electronic_id: str | None = Field(
        None,
        pattern=r"^[0-9A-Za-z.]{3,30}$",
        description="Mã định danh điện tử of the unit (e.g. '000.00.31.H29'), the first part of "
        "dossier "
        "codes (Circular 03/2025/TT-VPCP art. 13); none → the unit code",
    )

    @property
    def code_prefix(self) -> str:
        return self.electronic_id or self.code


DEFAULT_CUTOFF = time(15, 0)


class TimeLimit(BaseModel):
    """N working days, or the same day (working_days = 0), counted from the receipt day; a
    receipt strictly after `cutoff` (default 15:00, per procedure; null = none) or on a day off
    counts from the next working day ("sau 15 giờ", Decree 23/2015 art. 33; domain.md)."""

    model_config = ConfigDict(frozen=True)

    working_days: int = Field(ge=0)
    cutoff: time | None = DEFAULT_CUTOFF

    @model_validator(mode="after")
    def _same_day_needs_cutoff(self) -> "TimeLimit":
        if self.working_days == 0 and self.cutoff is None:
            raise ValueError("a same-day time limit needs a cut-off time")
        return self

    @property
    def same_day(self) -> bool:
        return self.working_days == 0


class ProcedureField(BaseModel):
    """Lĩnh vực, e.g. code 'ho-tich', name 'Hộ tịch'."""

    model_config = ConfigDict(frozen=True)

    code: str
    name: str


class LinkedTaskSpec(BaseModel):
    """One agency's part of a linked ('3 trong 1') procedure."""

    model_config = ConfigDict(frozen=True)

    agency: str = Field(pattern=r"^[a-z0-9-]+$", description="e.g. 'tu-phap', 'cong-an', 'bhxh'")
    agency_name: str
    name: str
    time_limit: TimeLimit


class Procedure(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    name: str
    field: ProcedureField
    time_limit: TimeLimit
    fee_vnd: int = Field(ge=0)
    fee_note: str | None = None
    # When motcua collects the fee (at receipt or at return); None: not collected through motcua
    # (free, or still kept in the desk's paper receipt book), so no payment check applies.
    fee_due: FeeDue | None = None
    required_papers: list[str]
    civil_status_event: CivilStatusEvent | None = None
    linked_tasks: list[LinkedTaskSpec] = Field(default_factory=list)
    step_limits: dict[str, int] = Field(
        default_factory=dict,
        description="Working days per hand-over step, e.g. {'tiep-nhan': 0, 'chuyen-mon': 3, "
        "'lanh-dao-ky': 1, 'tra-ket-qua': 1}; a step not listed has no deadline of its own",
    )

    @model_validator(mode="after")
    def _step_limits_are_working_days(self) -> "Procedure":
        if any(days < 0 for days in self.step_limits.values()):
            raise ValueError("step limits are working days, 0 or more")
        return self
