"""The procedure's fee (phí, lệ phí) on a dossier: due at receipt or at return, paid in cash at
the desk (with the receipt number) or online through the payment platform, or waived with a
reason where the law exempts the citizen.

Rule: a dossier whose fee is due at receipt is never resolved while it is unpaid (unless
waived); one due at return is never returned unpaid. A payment is recorded once: a second one
(the same citizen paying again) is kept and flagged for refund, never lost, never counted.
Source: Decree 118/2025/NĐ-CP (fees collected at the one-stop desk or through the national
public service portal's payment platform), Circular 03/2025/TT-VPCP; the Law on Fees and
Charges 2015 for exemptions.
"""

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel


class FeeDue(StrEnum):
    AT_RECEIPT = "at_receipt"
    AT_RETURN = "at_return"


class FeeStatus(StrEnum):
    UNPAID = "unpaid"
    REQUESTED = "requested"  # a payment link was sent
    PAID = "paid"
    WAIVED = "waived"


class Fee(BaseModel):
    amount_vnd: int
    due: FeeDue
    status: FeeStatus = FeeStatus.UNPAID
    payment_ref: str | None = None  # the order reference the gateway carries (vnp_TxnRef)
    payment_url: str | None = None
    method: Literal["cash", "online"] | None = None
    receipt_no: str | None = None
    gateway_transaction: str | None = None
    paid_at: datetime | None = None
    waiver_reason: str | None = None

    @property
    def settled(self) -> bool:
        return self.status in (FeeStatus.PAID, FeeStatus.WAIVED)


def format_vnd(amount: int) -> str:
    """30000 → '30.000 đ' (Vietnamese thousands separator)."""
    return f"{amount:,}".replace(",", ".") + " đ"
