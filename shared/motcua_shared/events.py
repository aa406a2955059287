"""The event contract: one envelope, one pydantic model per event.

Each event model is named in the past tense; its routing key (and `event_type`) is derived
from the class name, never typed twice: `DossierReceived` -> `dossier.received`,
`SupplementRequested` -> `dossier.supplement_requested`, `SurveyOpened` -> `survey.opened`.

Change a payload additively. A breaking change is a new model with `schema_version = 2`
that consumers accept side by side with the old one until it is gone.

Personal data: only `CitizenContact` (phone, consent, preferred channel) travels, and only on
the events notify needs to reach the citizen. Nothing else personal is ever in an event. The
phone is for the live message only: a producer's event log (its outbox, `GET /api/v1/events`)
keeps each event with `contact.phone` null once published (motcua_shared.outbox), so a reader
of a log (a rebuild) never relies on it. `phone` has always been optional: no schema change.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, datetime, timezone
from enum import StrEnum
from typing import Any, ClassVar, Generic, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

SCHEMA_VERSION = 1


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


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


class MessageChannel(StrEnum):
    ZALO = "zalo"
    SMS = "sms"


class CivilStatusEvent(StrEnum):
    """Civil-status procedures that bring a letter (seed 003)."""

    BIRTH = "birth"
    MARRIAGE = "marriage"
    DEATH = "death"


class CitizenContact(BaseModel):
    """What notify needs to reach the citizen; nothing more (Decree 13/2023)."""

    model_config = ConfigDict(frozen=True)

    phone: str | None = Field(None, description="E.164, e.g. +84912345678")
    consent: bool = Field(False, description="The citizen agreed to receive messages")
    preferred_channel: MessageChannel = MessageChannel.ZALO


class EventPayload(BaseModel):
    """Base of every event model. Subclasses set `aggregate` (via a family base)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    aggregate: ClassVar[str] = ""
    schema_version: ClassVar[int] = SCHEMA_VERSION
    event_type: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Family bases (DossierEvent…) say `abstract = True` in their own body.
        if not cls.aggregate or cls.__dict__.get("abstract"):
            return
        name = _snake(cls.__name__)
        prefix = cls.aggregate + "_"
        cls.event_type = f"{cls.aggregate}.{name.removeprefix(prefix)}"
        EVENT_TYPES[(cls.event_type, cls.schema_version)] = cls

    @classmethod
    def routing_key(cls) -> str:
        return cls.event_type


EVENT_TYPES: dict[tuple[str, int], type[EventPayload]] = {}


# ---------------------------------------------------------------- dossier events (intake)


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
    due_at: AwareDatetime | None = Field(None, description="End of the due working day, in force now")
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
    reused_from: str | None = Field(None, description="Code of the earlier dossier whose scan is reused")


class ResultDigitised(DossierEvent):
    """The result (kết quả giải quyết) was attached as a file: its id and SHA-256, never its bytes."""

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


# ---------------------------------------------------------------- survey events (survey)


class SurveyEvent(EventPayload):
    aggregate: ClassVar[str] = "survey"
    abstract: ClassVar[bool] = True

    dossier_code: str
    unit_name: str | None = None
    province_code: str | None = None
    procedure_code: str
    field_code: str
    officer_id: str | None = None


class SatisfactionLevel(StrEnum):
    UNSATISFIED = "unsatisfied"  # không hài lòng
    SATISFIED = "satisfied"  # hài lòng
    VERY_SATISFIED = "very_satisfied"  # rất hài lòng


class SurveyOpened(SurveyEvent):
    """A survey is open for a returned dossier; notify sends the link."""

    survey_url: str
    expires_at: AwareDatetime
    contact: CitizenContact


class SurveyAnswered(SurveyEvent):
    """An answer, without the comment or anything personal."""

    level: SatisfactionLevel
    answer_channel: Literal["online", "kiosk"]
    answered_at: AwareDatetime


class SuggestionSubmitted(EventPayload):
    """A note in the suggestion box (hòm thư góp ý); the text stays in survey's database."""

    aggregate: ClassVar[str] = "survey"
    suggestion_id: str
    officer_id: str | None = None
    submitted_at: AwareDatetime


# ---------------------------------------------------------------- notification events (notify)


class NotificationEvent(EventPayload):
    aggregate: ClassVar[str] = "notification"
    abstract: ClassVar[bool] = True

    message_id: str
    dossier_code: str | None = None
    kind: str
    channel: MessageChannel | None = None
    at: AwareDatetime


class NotificationSent(NotificationEvent):
    """The provider accepted the message."""


class NotificationDelivered(NotificationEvent):
    """The provider's receipt says it reached the phone."""


class NotificationFailed(NotificationEvent):
    """No channel could deliver it; `reason` says why."""
    reason: str


# ---------------------------------------------------------------- feedback events (survey)


class FeedbackSource(StrEnum):
    """What opened a follow-up (phản ánh, kiến nghị)."""

    SURVEY = "survey"  # a "không hài lòng" survey answer
    SUGGESTION = "suggestion"  # a suggestion-box note that left a contact (not anonymous-only)


class FeedbackEvent(EventPayload):
    """A follow-up the unit's leader must answer by `due_at`; aggregate = the follow-up id.
    Nothing personal, but the contact on FeedbackAnswered when the citizen consented."""

    aggregate: ClassVar[str] = "feedback"
    abstract: ClassVar[bool] = True

    source: FeedbackSource
    dossier_code: str | None = Field(None, description="The surveyed dossier; None for a suggestion")
    unit_name: str | None = None
    province_code: str | None = None
    opened_at: AwareDatetime
    due_at: AwareDatetime = Field(description="End of the last working day to answer (Asia/Ho_Chi_Minh)")


class FeedbackOpened(FeedbackEvent):
    """A follow-up is open for the unit's leader (phản ánh, kiến nghị tiếp nhận)."""


class FeedbackAnswered(FeedbackEvent):
    """The leader recorded what was done; notify tells the citizen if they left a phone and consented."""

    answered_at: AwareDatetime
    on_time: bool = Field(description="answered_at <= due_at")
    contact: CitizenContact | None = Field(None, description="Only when the citizen left a phone and consented")


# ---------------------------------------------------------------- the envelope

P = TypeVar("P", bound=EventPayload)


class Envelope(BaseModel, Generic[P]):
    """What travels on the wire: routing metadata around one event payload."""

    model_config = ConfigDict(frozen=True)

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    event_type: str
    schema_version: int = SCHEMA_VERSION
    occurred_at: AwareDatetime = Field(description="Stored in UTC; shown in Asia/Ho_Chi_Minh")
    aggregate_id: str = Field(description="The dossier code (or survey / message id)")
    aggregate_version: int = Field(ge=1, description="1, 2, 3… per aggregate, gap-free")
    unit_code: str
    correlation_id: str
    payload: P

    @field_validator("occurred_at")
    @classmethod
    def _to_utc(cls, value: datetime) -> datetime:
        return value.astimezone(timezone.utc)

    @classmethod
    def wrap(
        cls,
        payload: EventPayload,
        *,
        aggregate_id: str,
        aggregate_version: int,
        unit_code: str,
        correlation_id: str,
        occurred_at: datetime,
        event_id: uuid.UUID | None = None,
    ) -> "Envelope[Any]":
        return Envelope[type(payload)](  # type: ignore[misc]
            event_id=event_id or uuid.uuid4(),
            event_type=payload.event_type,
            schema_version=payload.schema_version,
            occurred_at=occurred_at,
            aggregate_id=aggregate_id,
            aggregate_version=aggregate_version,
            unit_code=unit_code,
            correlation_id=correlation_id,
            payload=payload,
        )

    @property
    def routing_key(self) -> str:
        return self.event_type


class UnknownEventType(ValueError):
    """An envelope whose (event_type, schema_version) this code does not know."""


def parse_envelope(data: bytes | str | dict[str, Any]) -> Envelope[Any]:
    """Validate raw wire data into an Envelope with its typed payload.

    Raises pydantic.ValidationError for a malformed message and UnknownEventType for an
    event this version of the contract does not know.
    """
    body = data if isinstance(data, dict) else json.loads(data)
    head = _EnvelopeHead.model_validate(body)
    model = EVENT_TYPES.get((head.event_type, head.schema_version))
    if model is None:
        raise UnknownEventType(f"unknown event {head.event_type} v{head.schema_version}")
    return Envelope[model].model_validate(body)  # type: ignore[valid-type]


class _EnvelopeHead(BaseModel):
    event_type: str
    schema_version: int = SCHEMA_VERSION


def all_event_models() -> list[type[EventPayload]]:
    return list(EVENT_TYPES.values())
