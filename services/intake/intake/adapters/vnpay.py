"""The payment gateway's protocol, shaped like VNPay's (and the national public service portal's
payment platform): the citizen is sent to a signed payment URL; the gateway redirects back
(ReturnUrl) and calls intake server to server (IPN) with signed parameters.

Signature: HMAC-SHA512 with the merchant's secret over the parameters starting with `vnp_`
(except the hash itself), sorted by name, URL-encoded as `k=v&k=v` (VNPay's integration
guide, version 2.1.0). Shared by intake and the payment sandbox, so both sign the same way.
Source: Decree 118/2025/NĐ-CP (fees paid online through the national public service portal's
payment platform, which connects such gateways)."""

import hashlib
import hmac
from datetime import datetime
from urllib.parse import quote_plus

from motcua_shared.vietnam.timeutil import to_vn

HASH = "vnp_SecureHash"
IGNORED = {HASH, "vnp_SecureHashType"}


def canonical(params: dict[str, str]) -> str:
    items = sorted(
        (k, v) for k, v in params.items() if k.startswith("vnp_") and k not in IGNORED and v != ""
    )
    return "&".join(f"{k}={quote_plus(str(v))}" for k, v in items)


def signature(params: dict[str, str], secret: str) -> str:
    return hmac.new(secret.encode(), canonical(params).encode(), hashlib.sha512).hexdigest()


def signed(params: dict[str, str], secret: str) -> dict[str, str]:
    return params | {HASH: signature(params, secret)}


def verify(params: dict[str, str], secret: str) -> bool:
    given = params.get(HASH, "")
    return bool(given) and hmac.compare_digest(given.lower(), signature(params, secret))


def payment_params(
    *,
    tmn_code: str,
    txn_ref: str,
    amount_vnd: int,
    order_info: str,
    return_url: str,
    at: datetime,
    secret: str,
) -> dict[str, str]:
    """The redirect's parameters (amount in hundredths of a đồng, VNPay's unit)."""
    return signed(
        {
            "vnp_Version": "2.1.0",
            "vnp_Command": "pay",
            "vnp_TmnCode": tmn_code,
            "vnp_Amount": str(amount_vnd * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": txn_ref,
            "vnp_OrderInfo": order_info,
            "vnp_OrderType": "billpayment",
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": return_url,
            "vnp_CreateDate": to_vn(at).strftime("%Y%m%d%H%M%S"),
        },
        secret,
    )


def payment_url(gateway_url: str, params: dict[str, str]) -> str:
    return gateway_url + "?" + "&".join(f"{k}={quote_plus(v)}" for k, v in params.items())


class VnpayGateway:
    """intake's side of the gateway: the signed payment URL for a dossier's fee, and the check
    of a callback's signature."""

    def __init__(self, gateway_url: str, tmn_code: str, secret: str, return_url: str) -> None:
        self.gateway_url, self.tmn_code, self.secret, self.return_url = (
            gateway_url,
            tmn_code,
            secret,
            return_url,
        )

    def payment_url(self, txn_ref: str, amount_vnd: int, order_info: str, at: datetime) -> str:
        return payment_url(
            self.gateway_url,
            payment_params(
                tmn_code=self.tmn_code,
                txn_ref=txn_ref,
                amount_vnd=amount_vnd,
                order_info=order_info,
                return_url=self.return_url,
                at=at,
                secret=self.secret,
            ),
        )

    def verify(self, params: dict[str, str]) -> bool:
        return verify(params, self.secret) and params.get("vnp_TmnCode") == self.tmn_code
