"""The fee of a dossier (domain/fees.py): cash at the desk with its receipt number, a payment
link sent to the citizen (notify delivers it), the gateway's signed callback, or a waiver.

The callback is refused and logged, storing nothing, when its signature is bad, its order is
unknown, its amount is not the fee, or it was already received (a replay). A second, genuine
payment of a fee already settled is kept flagged `refund_due`: one payment recorded, the other
never lost. Source: Decree 118/2025/NĐ-CP (fees paid at the desk or through the national
portal's payment platform), Circular 03/2025/TT-VPCP."""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from motcua_shared.contract.dossier_events import DossierStatus

from intake.app.apply_action import act_on_dossier
from intake.app.context import Actor, IntakeApp
from intake.app.history_events import envelopes
from intake.app.ports import DossierTransaction
from intake.domain.dossier import Dossier
from intake.domain.fees import format_vnd

log = logging.getLogger(__name__)

GATEWAY_OFFICER = "payment-gateway"  # the actor recorded for a payment the gateway confirmed


async def pay_cash(app: IntakeApp, actor: Actor, code: str, receipt_no: str) -> Dossier:
    return await act_on_dossier(
        app,
        actor,
        code,
        lambda d, at: d.pay_fee(actor.officer_id, at, "cash", receipt_no=receipt_no),
    )


async def waive(app: IntakeApp, actor: Actor, code: str, reason: str) -> Dossier:
    return await act_on_dossier(
        app, actor, code, lambda d, at: d.waive_fee(actor.officer_id, at, reason)
    )


async def request_online(app: IntakeApp, actor: Actor, code: str) -> Dossier:
    assert app.digitisation is not None
    gateway, link = app.digitisation.gateway, f"{app.digitisation.public_url}/thanh-toan/{code}"

    def change(d: Dossier, at: datetime) -> None:
        amount = d.fee.amount_vnd if d.fee else 0
        # one reference per request, so a new link never reuses an old order
        ref = f"{d.code}.{d.version + 1}"
        url = gateway.payment_url(ref, amount, f"Thanh toan phi ho so {d.code}", at)
        d.request_fee(actor.officer_id, at, ref, url, link)  # a message carries the short link

    return await act_on_dossier(app, actor, code, change)


@dataclass(frozen=True)
class CallbackAnswer:
    """What the gateway is answered (VNPay's IPN codes) and what was kept."""

    code: str
    message: str
    kept: str | None = None  # "paid", "refund_due" or None (nothing stored)


async def gateway_callback(app: IntakeApp, params: dict[str, str]) -> CallbackAnswer:
    assert app.digitisation is not None
    ref = params.get("vnp_TxnRef", "")
    if not app.digitisation.gateway.verify(params):
        log.warning("payment callback refused: bad signature (ref %s)", ref)
        return CallbackAnswer("97", "Invalid signature")
    code = ref.rpartition(".")[0]
    dossier = await app.dossiers.get(code) if code else None
    if dossier is None or dossier.fee is None:
        log.warning("payment callback refused: unknown order %s", ref)
        return CallbackAnswer("01", "Order not found")
    if params.get("vnp_Amount") != str(dossier.fee.amount_vnd * 100):
        log.warning(
            "payment callback refused: amount %s for %s, fee is %s",
            params.get("vnp_Amount"),
            ref,
            format_vnd(dossier.fee.amount_vnd),
        )
        return CallbackAnswer("04", "Invalid amount")
    transaction = params.get("vnp_TransactionNo", "")
    if (
        params.get("vnp_ResponseCode") != "00"
        or params.get("vnp_TransactionStatus") != "00"
        or not transaction
    ):
        log.info(
            "payment for %s not completed at the gateway (code %s)",
            ref,
            params.get("vnp_ResponseCode"),
        )
        return CallbackAnswer("00", "Confirm Success")
    at = app.clock()

    async def work(tx: DossierTransaction) -> str | None:
        d = await tx.get_dossier(code)
        assert d is not None and d.fee is not None
        payable = not d.fee.settled and d.status not in (
            DossierStatus.WITHDRAWN,
            DossierStatus.RETURNED,
            DossierStatus.REFUSED_AT_DESK,
        )
        payment: dict[str, Any] = {
            "transaction": transaction,
            "dossier_code": code,
            "unit_code": d.unit_code,
            "payment_ref": ref,
            "amount_vnd": d.fee.amount_vnd,
            "bank_code": params.get("vnp_BankCode"),
            "at": at,
            "status": "recorded" if payable else "refund_due",
        }
        if not await tx.record_payment(payment):
            return None
        if payable:
            before = d.version
            d.pay_fee(GATEWAY_OFFICER, at, "online", gateway_transaction=transaction)
            await tx.update_dossier(d, before)
            await tx.append_events(envelopes(d, d.history[before:]))
        return payment["status"]

    kept = await app.uow.run(work)
    if kept is None:
        log.warning(
            "payment callback refused: transaction %s for %s already received (replay)",
            transaction,
            ref,
        )
        return CallbackAnswer("02", "Order already confirmed")
    if kept == "refund_due":
        log.warning(
            "payment %s for %s arrived after the fee was settled: kept, flagged for refund",
            transaction,
            ref,
        )
        return CallbackAnswer("00", "Confirm Success", "refund_due")
    log.info("fee of %s paid online (transaction %s)", code, transaction)
    return CallbackAnswer("00", "Confirm Success", "paid")


async def payment_redirect(app: IntakeApp, code: str) -> str | None:
    """Where the short link in the citizen's message leads: the gateway's signed URL while the
    fee waits for payment, else None."""
    dossier = await app.dossiers.get(code)
    if (
        dossier is None
        or dossier.fee is None
        or dossier.fee.settled
        or dossier.fee.payment_url is None
    ):
        return None
    return dossier.fee.payment_url
