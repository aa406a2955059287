"""From the dossier's new history entries to contract events, one per entry, same version.

Every event carries the DossierEvent facts (unit, procedure, field, channel, status after it,
times, officer), so no consumer needs intake's data; `contact` is the only personal part."""

from collections.abc import Callable
from typing import Any

from motcua_shared.contract.dossier_events import (
    ApologyIssued,
    DossierDueSoon,
    DossierEvent,
    DossierHandedOver,
    DossierOverdue,
    DossierReceived,
    DossierRefusedAtDesk,
    DossierResolved,
    DossierStepOverdue,
    DossierWithdrawn,
    FeePaid,
    FeeRequested,
    FeeWaived,
    HomeVisitScheduled,
    LinkedTaskResolved,
    PaperDigitised,
    ResultDigitised,
    ResultReturned,
    SupplementRequested,
    SupplementSupplied,
)
from motcua_shared.contract.envelope import Envelope

from intake.domain.dossier import Dossier
from intake.domain.dossier_parts import HistoryEntry

Builder = Callable[[Dossier, HistoryEntry, dict[str, Any]], DossierEvent]


def _received(d: Dossier, e: HistoryEntry, base: dict[str, Any]) -> DossierEvent:
    return DossierReceived(
        **base,
        contact=d.citizen.contact(),
        civil_status_event=d.civil_status_event,
        home_service=d.home_service,
        child_codes=[t.code for t in d.tasks],
    )


def _supplement_requested(stage: str) -> Builder:
    def build(d: Dossier, e: HistoryEntry, base: dict[str, Any]) -> DossierEvent:
        return SupplementRequested(
            **base,
            stage=stage,
            missing_papers=e.details["missing_papers"],
            reason=e.details["reason"],
            contact=d.citizen.contact(),
        )

    return build


def _paper_digitised(d: Dossier, e: HistoryEntry, base: dict[str, Any]) -> DossierEvent:
    a = d.attachment(e.details["file_id"])
    return PaperDigitised(
        **base,
        file_id=a.file_id,
        paper=a.paper or "",
        sha256=a.sha256,
        size_bytes=a.size_bytes,
        content_type=a.content_type,
        reused_from=a.reused_from,
    )


def _result_digitised(d: Dossier, e: HistoryEntry, base: dict[str, Any]) -> DossierEvent:
    a = d.attachment(e.details["file_id"])
    return ResultDigitised(
        **base,
        file_id=a.file_id,
        sha256=a.sha256,
        size_bytes=a.size_bytes,
        content_type=a.content_type,
    )


def _fee_paid(d: Dossier, e: HistoryEntry, base: dict[str, Any]) -> DossierEvent:
    assert d.fee is not None and d.fee.paid_at is not None
    return FeePaid(
        **base,
        amount_vnd=d.fee.amount_vnd,
        method=d.fee.method or e.details["method"],
        receipt_no=d.fee.receipt_no,
        gateway_transaction=d.fee.gateway_transaction,
        paid_at=d.fee.paid_at,
    )


def _fee_requested(d: Dossier, e: HistoryEntry, base: dict[str, Any]) -> DossierEvent:
    assert d.fee is not None
    return FeeRequested(
        **base,
        amount_vnd=d.fee.amount_vnd,
        payment_ref=e.details["payment_ref"],
        payment_url=e.details["link"],
        contact=d.citizen.contact(),
    )


BUILDERS: dict[str, Builder] = {
    "receive": _received,
    "desk-request-papers": _supplement_requested("desk"),
    "desk-refuse": lambda d, e, base: DossierRefusedAtDesk(
        **base, reason=e.details["reason"], contact=d.citizen.contact()
    ),
    "supply-papers": lambda d, e, base: SupplementSupplied(
        **base, stage=e.details["stage"], contact=d.citizen.contact()
    ),
    "request-supplement": _supplement_requested("processing"),
    "hand-over": lambda d, e, base: DossierHandedOver(
        **base,
        from_officer_id=e.details["from_officer_id"],
        to_officer_id=e.details["to_officer_id"],
        step=e.details["step"],
        note=e.details.get("note"),
    ),
    "resolve": lambda d, e, base: DossierResolved(
        **base,
        outcome=e.details["outcome"],
        reason=e.details.get("reason"),
        resolved_at=e.at,
        contact=d.citizen.contact(),
        civil_status_event=d.civil_status_event,
    ),
    "resolve-task": lambda d, e, base: LinkedTaskResolved(
        **base, agency=e.details["agency"], outcome=e.details["outcome"], resolved_at=e.at
    ),
    "apologise": lambda d, e, base: ApologyIssued(
        **base,
        previous_due_at=e.details["previous_due_at"],
        new_due_at=e.details["new_due_at"],
        reason=e.details["reason"],
        contact=d.citizen.contact(),
    ),
    "return": lambda d, e, base: ResultReturned(
        **base,
        method=e.details["method"],
        outcome=d.outcome,
        resolved_at=d.resolved_at,
        returned_at=e.at,
        contact=d.citizen.contact(),
        civil_status_event=d.civil_status_event,
    ),
    "withdraw": lambda d, e, base: DossierWithdrawn(
        **base, reason=e.details.get("reason"), withdrawn_at=e.at
    ),
    "home-visit": lambda d, e, base: HomeVisitScheduled(
        **base,
        visit_date=e.details["visit_date"],
        urgent=e.details["urgent"],
        purpose=e.details["purpose"],
        contact=d.citizen.contact(),
    ),
    "due-soon": lambda d, e, base: DossierDueSoon(
        **base,
        working_days_left=e.details["working_days_left"],
        holder_id=e.details.get("holder_id"),
        officers=e.details["officers"],
        at_risk=e.details.get("at_risk", False),
    ),
    "overdue": lambda d, e, base: DossierOverdue(
        **base, holder_id=e.details.get("holder_id"), officers=e.details["officers"]
    ),
    "step-overdue": lambda d, e, base: DossierStepOverdue(
        **base,
        step=e.details["step"],
        step_due_at=e.details["step_due_at"],
        holder_id=e.details.get("holder_id"),
        officers=e.details["officers"],
    ),
    "attach-paper": _paper_digitised,
    "attach-result": _result_digitised,
    "request-fee": _fee_requested,
    "pay-fee": _fee_paid,
    "waive-fee": lambda d, e, base: FeeWaived(
        **base, amount_vnd=d.fee.amount_vnd if d.fee else 0, reason=e.details["reason"]
    ),
}


def payload_for(dossier: Dossier, entry: HistoryEntry) -> DossierEvent:
    base = {
        "unit_name": dossier.unit_name,
        "province_code": dossier.province_code,
        "procedure_code": dossier.procedure_code,
        "procedure_name": dossier.procedure_name,
        "field_code": dossier.field_code,
        "channel": dossier.channel,
        "status": entry.status,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "officer_id": entry.officer_id,
    }
    return BUILDERS[entry.action](dossier, entry, base)


def envelopes(dossier: Dossier, entries: list[HistoryEntry]) -> list[Envelope[Any]]:
    """Envelopes for `entries` (the ones an action just added), in order."""
    return [
        Envelope.wrap(
            payload_for(dossier, entry),
            aggregate_id=dossier.code,
            aggregate_version=entry.version,
            unit_code=dossier.unit_code,
            correlation_id=dossier.correlation_id,
            occurred_at=entry.at,
        )
        for entry in entries
    ]
