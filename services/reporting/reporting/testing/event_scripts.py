"""Builds the events intake and survey would publish, for tests and the benchmark: one
`DossierScript` per dossier hands out envelopes with gap-free versions."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from motcua_shared.contract.dossier_events import (
    ApologyIssued,
    Channel,
    DossierDueSoon,
    DossierHandedOver,
    DossierOverdue,
    DossierReceived,
    DossierRefusedAtDesk,
    DossierResolved,
    DossierStatus,
    DossierWithdrawn,
    FeePaid,
    FeeWaived,
    LinkedTaskResolved,
    PaperDigitised,
    ResolutionOutcome,
    ResultDigitised,
    ResultReturned,
    ReturnMethod,
    SupplementRequested,
    SupplementSupplied,
)
from motcua_shared.contract.envelope import Envelope
from motcua_shared.contract.event_base import CitizenContact, EventPayload
from motcua_shared.contract.survey_events import SatisfactionLevel, SurveyAnswered
from motcua_shared.vietnam.timeutil import VN_TZ

PHONE = (
    "+84912345678"  # the citizen's phone on every event: it must never reach reporting's database
)


def vn(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A moment on the desk's clock (Asia/Ho_Chi_Minh)."""
    return datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


def due(year: int, month: int, day: int) -> datetime:
    """The end of a due working day, as intake sets `due_at`."""
    return datetime(year, month, day, 17, 0, tzinfo=VN_TZ)


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    province: str


@dataclass(frozen=True)
class Procedure:
    code: str
    name: str
    field: str


class DossierScript:
    def __init__(
        self,
        code: str,
        unit: Unit,
        procedure: Procedure,
        channel: Channel = Channel.DIRECT,
        *,
        officer: str = "desk01",
        parent_code: str | None = None,
    ) -> None:
        self.code, self.unit, self.procedure, self.channel = code, unit, procedure, channel
        self.officer, self.parent_code = officer, parent_code
        self.envelopes: list[Envelope[Any]] = []
        self.status = DossierStatus.RECEIVED
        self.received_at: datetime | None = None
        self.due_at: datetime | None = None
        self.contact = CitizenContact(phone=PHONE, consent=True)

    def _emit(
        self, model: Callable[..., EventPayload], at: datetime, status: DossierStatus, **fields: Any
    ) -> Envelope[Any]:
        self.status = status
        payload = model(
            unit_name=self.unit.name,
            province_code=self.unit.province,
            procedure_code=self.procedure.code,
            procedure_name=self.procedure.name,
            field_code=self.procedure.field,
            channel=self.channel,
            status=status,
            received_at=self.received_at,
            due_at=self.due_at,
            officer_id=self.officer,
            parent_code=self.parent_code,
            **fields,
        )
        envelope = Envelope.wrap(
            payload,
            aggregate_id=self.code,
            aggregate_version=len(self.envelopes) + 1,
            unit_code=self.unit.code,
            correlation_id=f"corr-{self.code}",
            occurred_at=at,
        )
        self.envelopes.append(envelope)
        return envelope

    def received(
        self, at: datetime, due_at: datetime, child_codes: tuple[str, ...] = ()
    ) -> Envelope[Any]:
        self.received_at, self.due_at = at, due_at
        return self._emit(
            DossierReceived,
            at,
            DossierStatus.RECEIVED,
            contact=self.contact,
            child_codes=list(child_codes),
        )

    def desk_papers_requested(self, at: datetime) -> Envelope[Any]:
        """Incomplete at the desk: nothing received yet, no due date."""
        return self._emit(
            SupplementRequested,
            at,
            DossierStatus.AWAITING_PAPERS,
            stage="desk",
            missing_papers=["Tờ khai"],
            reason="Hồ sơ chưa đầy đủ",
            contact=self.contact,
        )

    def desk_papers_supplied(
        self, at: datetime, due_at: datetime
    ) -> tuple[Envelope[Any], Envelope[Any]]:
        """As intake does: the supply is the receipt, so `supplement_supplied` (stage desk, status
        received) is followed by `received`, both carrying the receipt time and due date."""
        self.received_at, self.due_at = at, due_at
        supplied = self._emit(
            SupplementSupplied, at, DossierStatus.RECEIVED, stage="desk", contact=self.contact
        )
        return supplied, self._emit(
            DossierReceived, at, DossierStatus.RECEIVED, contact=self.contact
        )

    def refused_at_desk(self, at: datetime) -> Envelope[Any]:
        return self._emit(
            DossierRefusedAtDesk,
            at,
            DossierStatus.REFUSED_AT_DESK,
            reason="Không thuộc thẩm quyền",
            contact=self.contact,
        )

    def handed_over(self, at: datetime, to_officer: str = "spec01") -> Envelope[Any]:
        return self._emit(
            DossierHandedOver,
            at,
            DossierStatus.IN_PROGRESS,
            from_officer_id=self.officer,
            to_officer_id=to_officer,
            step="chuyen-mon",
        )

    def supplement_requested(self, at: datetime) -> Envelope[Any]:
        return self._emit(
            SupplementRequested,
            at,
            DossierStatus.SUPPLEMENT_REQUESTED,
            stage="processing",
            missing_papers=["Bản sao giấy tờ"],
            reason="Thiếu giấy tờ",
            contact=self.contact,
        )

    def supplement_supplied(self, at: datetime, new_due_at: datetime) -> Envelope[Any]:
        self.due_at = new_due_at
        return self._emit(
            SupplementSupplied,
            at,
            DossierStatus.IN_PROGRESS,
            stage="processing",
            contact=self.contact,
        )

    def apology(self, at: datetime, new_due_at: datetime) -> Envelope[Any]:
        assert self.due_at is not None
        previous, self.due_at = self.due_at, new_due_at
        return self._emit(
            ApologyIssued,
            at,
            self.status,
            previous_due_at=previous,
            new_due_at=new_due_at,
            reason="Cần xác minh thêm",
            contact=self.contact,
        )

    def due_soon(self, at: datetime) -> Envelope[Any]:
        return self._emit(DossierDueSoon, at, self.status, working_days_left=2, holder_id="spec01")

    def overdue(self, at: datetime) -> Envelope[Any]:
        return self._emit(DossierOverdue, at, self.status, holder_id="spec01")

    def task_resolved(self, at: datetime, agency: str) -> Envelope[Any]:
        return self._emit(
            LinkedTaskResolved,
            at,
            self.status,
            agency=agency,
            outcome=ResolutionOutcome.APPROVED,
            resolved_at=at,
        )

    def resolved(
        self, at: datetime, outcome: ResolutionOutcome = ResolutionOutcome.APPROVED
    ) -> Envelope[Any]:
        reason = "Không đủ điều kiện" if outcome == ResolutionOutcome.REFUSED else None
        return self._emit(
            DossierResolved,
            at,
            DossierStatus.RESOLVED,
            outcome=outcome,
            reason=reason,
            resolved_at=at,
            contact=self.contact,
        )

    def returned(
        self, at: datetime, outcome: ResolutionOutcome = ResolutionOutcome.APPROVED
    ) -> Envelope[Any]:
        return self._emit(
            ResultReturned,
            at,
            DossierStatus.RETURNED,
            method=ReturnMethod.AT_DESK,
            outcome=outcome,
            returned_at=at,
            contact=self.contact,
        )

    def paper_digitised(self, at: datetime, reused_from: str | None = None) -> Envelope[Any]:
        return self._emit(
            PaperDigitised,
            at,
            self.status,
            file_id=f"f-{self.code}-{len(self.envelopes)}",
            paper="Tờ khai",
            sha256="0" * 64,
            size_bytes=1000,
            content_type="application/pdf",
            reused_from=reused_from,
        )

    def result_digitised(self, at: datetime) -> Envelope[Any]:
        return self._emit(
            ResultDigitised,
            at,
            self.status,
            file_id=f"r-{self.code}",
            sha256="1" * 64,
            size_bytes=2000,
            content_type="application/pdf",
        )

    def fee_paid(self, at: datetime, method: str = "online", amount: int = 10000) -> Envelope[Any]:
        return self._emit(
            FeePaid,
            at,
            self.status,
            amount_vnd=amount,
            method=method,
            paid_at=at,
            receipt_no="BL-1" if method == "cash" else None,
            gateway_transaction="T-1" if method == "online" else None,
        )

    def fee_waived(self, at: datetime, amount: int = 10000) -> Envelope[Any]:
        return self._emit(
            FeeWaived, at, self.status, amount_vnd=amount, reason="Miễn theo quy định"
        )

    def withdrawn(self, at: datetime) -> Envelope[Any]:
        return self._emit(
            DossierWithdrawn,
            at,
            DossierStatus.WITHDRAWN,
            reason="Công dân rút hồ sơ",
            withdrawn_at=at,
        )


def survey_answer(
    dossier: DossierScript, level: SatisfactionLevel, at: datetime, officer: str | None = None
) -> Envelope[Any]:
    payload = SurveyAnswered(
        dossier_code=dossier.code,
        unit_name=dossier.unit.name,
        province_code=dossier.unit.province,
        procedure_code=dossier.procedure.code,
        field_code=dossier.procedure.field,
        officer_id=officer or dossier.officer,
        level=level,
        answer_channel="kiosk",
        answered_at=at,
    )
    return Envelope.wrap(
        payload,
        aggregate_id=f"survey-{dossier.code}",
        aggregate_version=2,
        unit_code=dossier.unit.code,
        correlation_id=f"corr-{dossier.code}",
        occurred_at=at,
    )
