"""Collecting a dossier's fee (fees.py gives the rule and its legal source: Decree
118/2025/NĐ-CP, Circular 03/2025/TT-VPCP, the Law on Fees and Charges 2015): the payment link
sent, the payment in cash or online, the waiver with its reason; each once, only for a fee the
procedure collects through motcua; and the check that a fee due at receipt (or at return) is
settled before the dossier is resolved (or returned)."""

from datetime import datetime
from typing import TYPE_CHECKING, Literal

from intake.domain.errors import IllegalTransition
from intake.domain.fees import Fee, FeeDue, FeeStatus
from intake.domain.lifecycle import Action, next_status

if TYPE_CHECKING:
    from intake.domain.dossier import Dossier


def request_fee(
    dossier: "Dossier",
    officer_id: str,
    at: datetime,
    payment_ref: str,
    payment_url: str,
    link: str,
) -> None:
    target = next_status(Action.REQUEST_FEE, dossier.status)
    fee = open_fee(dossier, Action.REQUEST_FEE)
    fee.status, fee.payment_ref, fee.payment_url = FeeStatus.REQUESTED, payment_ref, payment_url
    dossier._apply(
        Action.REQUEST_FEE, target, officer_id, at, {"payment_ref": payment_ref, "link": link}
    )


def pay_fee(
    dossier: "Dossier",
    officer_id: str,
    at: datetime,
    method: Literal["cash", "online"],
    receipt_no: str | None,
    gateway_transaction: str | None,
) -> None:
    target = next_status(Action.PAY_FEE, dossier.status)
    fee = open_fee(dossier, Action.PAY_FEE)
    fee.status, fee.method, fee.paid_at = FeeStatus.PAID, method, at
    fee.receipt_no, fee.gateway_transaction = receipt_no, gateway_transaction
    dossier._apply(Action.PAY_FEE, target, officer_id, at, {"method": method})


def waive_fee(dossier: "Dossier", officer_id: str, at: datetime, reason: str) -> None:
    target = next_status(Action.WAIVE_FEE, dossier.status)
    fee = open_fee(dossier, Action.WAIVE_FEE)
    fee.status, fee.waiver_reason = FeeStatus.WAIVED, reason
    dossier._apply(Action.WAIVE_FEE, target, officer_id, at, {"reason": reason})


def open_fee(dossier: "Dossier", action: Action) -> Fee:
    if dossier.fee is None:
        raise IllegalTransition(
            action.value,
            dossier.status,
            "Thủ tục này không thu phí, lệ phí qua hệ thống",
            "No fee is collected through motcua for this procedure",
        )
    if dossier.fee.settled:
        raise IllegalTransition(
            action.value,
            dossier.status,
            "Phí, lệ phí của hồ sơ đã được thanh toán hoặc miễn",
            "The fee is already paid or waived",
        )
    return dossier.fee


def require_fee_settled(dossier: "Dossier", action: Action, due: FeeDue) -> None:
    if dossier.fee is not None and dossier.fee.due is due and not dossier.fee.settled:
        raise IllegalTransition(
            action.value,
            dossier.status,
            "Hồ sơ chưa nộp phí, lệ phí (hoặc chưa được miễn)",
            "The fee is neither paid nor waived",
        )
