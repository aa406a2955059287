"""The dossier's events (aggregate `dossier`, published by intake): every lifecycle step of
Decree 118/2025/NĐ-CP and Circular 03/2025/TT-VPCP, the deadline warnings, digitised papers and
fees. Each carries the DossierEvent facts so a consumer never needs intake's data.
Rules of the contract (naming, versions, personal data): event_base.py.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from motcua_shared.contract.event_base import CitizenContact, EventPayload


class Channel(StrEnum):
    """How the dossier reached the unit (kênh tiếp nhận)."""

    DIRECT = "direct"  # trực tiếp tại Bộ phận Một cửa
    ONLINE = "online"  # trực tuyến
    POSTAL = "postal"  # qua dịch vụ bưu chính công ích


class DossierStatus(StrEnum):
    AWAITING_PAPERS = "awaiting_papers"  # desk asked for a supplement before receipt
    REFUSED_AT_DESK = "refused_at_desk"  # Phiếu từ chối tiếp nhận giải quyết hồ sơ
    RECEIVED = "received"  # Giấy tiếp nhận hồ sơ và hẹn trả kết quả issued
    IN_PROGRESS = "in_progress"  # handed over for processing
    SUPPLEMENT_REQUESTED = "supplement_requested"  # during processing, clock stopped
    RESOLVED = "resolved"  # result (approval or refusal) waits for the citizen
    RETURNED = "returned"  # result handed to the citizen
    WITHDRAWN = "withdrawn"  # the citizen withdrew (rút hồ sơ)


class ResolutionOutcome(StrEnum):
    APPROVED = "approved"
    REFUSED = "refused"  # văn bản từ chối giải quyết, with a reason


class ReturnMethod(StrEnum):
    AT_DESK = "at_desk"
    AT_HOME = "at_home"


class CivilStatusEvent(StrEnum):
    """Civil-status procedures that bring a letter (seed 003)."""

    BIRTH = "birth"
    MARRIAGE = "marriage"
    DEATH = "death"


class DossierEvent(EventPayload):
    """Facts every dossier event carries, so a consumer never needs another service's data."""

    aggregate: ClassVar[str] = "dossier"
    abstract: ClassVar[bool] = True

    unit_name: str = Field(description="e.g. 'UBND phường Bình Thạnh'")
    province_code: str = Field(description="The unit's province, for provincial reports")
    procedure_code: str
    procedure_name: str
    field_code: str = Field(description="Lĩnh vực, e.g. 'ho-tich'")
    channel: Channel
    status: DossierStatus = Field(description="The dossier's status after this event")
    received_at: AwareDatetime | None = None
    due_at: AwareDatetime | None = Field(
        None, description="End of the due working day, in force now"
    )
    officer_id: str = Field(description="The acting officer (sub of the token)")
    parent_code: str | None = Field(None, description="Set on a child task of a linked dossier")


class DossierReceived(DossierEvent):
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả (form 01, Appendix I of Circular 03/2025/TT-VPCP):
    the dossier is received with a due date."""

    contact: CitizenContact
    civil_status_event: CivilStatusEvent | None = None
    home_service: bool = False
    child_codes: list[str] = Field(default_factory=list)


class DossierRefusedAtDesk(DossierEvent):
    """Phiếu từ chối tiếp nhận giải quyết hồ sơ: not eligible, nothing received."""

    reason: str
    contact: CitizenContact


class SupplementRequested(DossierEvent):
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: at the desk (before receipt) or in processing."""

    stage: Literal["desk", "processing"]
    missing_papers: list[str]
    reason: str
    contact: CitizenContact


class SupplementSupplied(DossierEvent):
    """The citizen brought the missing papers; `due_at` is the due date now in force."""

    stage: Literal["desk", "processing"]
    contact: CitizenContact


class DossierHandedOver(DossierEvent):
    """One line of the Phiếu kiểm soát quá trình giải quyết hồ sơ: who gave it to whom, when."""

    from_officer_id: str
    to_officer_id: str
    step: str = Field(description="e.g. 'chuyen-mon', 'lanh-dao-ky', 'tra-ket-qua'")
    note: str | None = None


class DossierResolved(DossierEvent):
    """The result is ready: approved, or refused with a reason."""

    outcome: ResolutionOutcome
    reason: str | None = None
    resolved_at: AwareDatetime
    contact: CitizenContact
    civil_status_event: CivilStatusEvent | None = None


class ApologyIssued(DossierEvent):
    """Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (form 04, Appendix I of Circular
    03/2025/TT-VPCP; formerly Phiếu xin lỗi và hẹn lại ngày trả kết quả): the unit apologises and
    sets a new date, at least one working day before the due date and at most once."""

    previous_due_at: AwareDatetime
    new_due_at: AwareDatetime
    reason: str
    contact: CitizenContact


class ResultReturned(DossierEvent):
    """The result was handed to the citizen, at the desk or at home."""

    method: ReturnMethod
    outcome: ResolutionOutcome
    resolved_at: AwareDatetime | None = None
    returned_at: AwareDatetime
    contact: CitizenContact
    civil_status_event: CivilStatusEvent | None = None


class DossierWithdrawn(DossierEvent):
    """The citizen withdrew the dossier before resolution (rút hồ sơ): processing is stopped at
    the citizen's request — Thông báo dừng giải quyết hồ sơ (form 05, Appendix I of Circular
    03/2025/TT-VPCP, medium confidence on the numbering)."""

    reason: str | None = None
    withdrawn_at: AwareDatetime


class HomeVisitScheduled(DossierEvent):
    """A home visit (elderly, ill, disabled citizens) is scheduled on `visit_date`."""

    visit_date: date
    urgent: bool
    purpose: Literal["receive", "return"]
    contact: CitizenContact


class LinkedTaskResolved(DossierEvent):
    """A child task of a linked '3 in 1' dossier was resolved by its agency. It is an event of
    the parent dossier (its code and version sequence); `agency` names the task."""

    agency: str
    outcome: ResolutionOutcome
    resolved_at: AwareDatetime


class OfficerContact(BaseModel):
    """An officer to tell about a deadline: the one holding the dossier, or a unit leader.
    Not a citizen's personal data, but kept to what a message needs (no name, no password)."""

    model_config = ConfigDict(frozen=True)

    officer_id: str
    role: Literal["holder", "leader"]
    email: str | None = None
    phone: str | None = Field(None, description="E.164")


class DossierDueSoon(DossierEvent):
    """The due date in force is `working_days_left` working days away: time to finish, or to
    issue the letter of apology and request to extend (form 04, Circular 03/2025/TT-VPCP),
    which must come at least one working day before it. Once per dossier."""

    working_days_left: int
    holder_id: str | None = None
    officers: list[OfficerContact] = Field(default_factory=list)
    at_risk: bool = Field(False, description="The procedure's history says it will likely be late")


class DossierOverdue(DossierEvent):
    """The first working day after the due date in force, and the dossier is still being
    processed: it is late (quá hạn). Once per dossier; the unit leader is told too."""

    holder_id: str | None = None
    officers: list[OfficerContact] = Field(default_factory=list)


class DossierStepOverdue(DossierEvent):
    """A hand-over step (desk, specialist, leader, return) passed its deadline in working days
    set by the procedure; one line of the control slip (form 06) running late. Once per step."""

    step: str
    step_due_at: AwareDatetime
    holder_id: str | None = None
    officers: list[OfficerContact] = Field(default_factory=list)


class PaperDigitised(DossierEvent):
    """A required paper of the dossier was scanned (or a paper digitised for an earlier dossier of
    the same citizen is reused): its file id and SHA-256, never its bytes (Decree 118/2025/NĐ-CP,
    digitisation of dossiers)."""

    file_id: str
    paper: str = Field(description="The required paper of the procedure it stands for")
    sha256: str
    size_bytes: int
    content_type: str
    reused_from: str | None = Field(
        None, description="Code of the earlier dossier whose scan is reused"
    )


class ResultDigitised(DossierEvent):
    """The result (kết quả giải quyết) was attached as a file: id and SHA-256, never its bytes."""

    file_id: str
    sha256: str
    size_bytes: int
    content_type: str


class FeeRequested(DossierEvent):
    """The citizen is asked to pay the procedure's fee online: notify sends `payment_url`."""

    amount_vnd: int
    payment_ref: str
    payment_url: str
    contact: CitizenContact


class FeePaid(DossierEvent):
    """The fee was paid, in cash at the desk (receipt number) or online (gateway transaction)."""

    amount_vnd: int
    method: Literal["cash", "online"]
    receipt_no: str | None = None
    gateway_transaction: str | None = None
    paid_at: AwareDatetime


class FeeWaived(DossierEvent):
    """The fee is not collected (exemption in law), with the reason."""

    amount_vnd: int
    reason: str
