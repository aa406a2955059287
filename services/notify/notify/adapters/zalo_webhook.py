"""Zalo's webhook: the OA's events, signed. The delivery event of a ZNS message is
`user_received_message`, carrying Zalo's msg_id and our tracking_id.

Signature header `X-ZEvent-Signature: mac=<sha256(app_id + raw body + timestamp + OA secret key)>`.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

SIGNATURE_HEADER = "X-ZEvent-Signature"
DELIVERY_EVENT = "user_received_message"


def zalo_signature(app_id: str, body: str, timestamp: str, oa_secret_key: str) -> str:
    return "mac=" + hashlib.sha256(f"{app_id}{body}{timestamp}{oa_secret_key}".encode()).hexdigest()


@dataclass(frozen=True)
class ZaloDelivery:
    msg_id: str | None
    tracking_id: str | None
    delivered_at: datetime | None


class BadZaloEvent(ValueError):
    pass


def verify_and_parse(raw: bytes, signature: str | None, oa_secret_key: str) -> dict[str, Any]:
    try:
        text = raw.decode()  # before json.loads, which would also take UTF-16 or UTF-32
        event = json.loads(text)
    except ValueError as exc:
        raise BadZaloEvent("body is not UTF-8 JSON") from exc
    if not isinstance(event, dict):
        raise BadZaloEvent("body is not a JSON object")
    expected = zalo_signature(str(event.get("app_id", "")), text, str(event.get("timestamp", "")), oa_secret_key)
    # Bytes: compare_digest refuses str with non-ASCII characters, which a header may carry.
    if not signature or not hmac.compare_digest(signature.strip().encode(), expected.encode()):
        raise BadZaloEvent("signature does not match")
    return event


def delivery_of(event: dict[str, Any]) -> ZaloDelivery | None:
    if event.get("event_name") != DELIVERY_EVENT:
        return None
    message = event.get("message") or {}
    return ZaloDelivery(message.get("msg_id"), message.get("tracking_id"), _ms(message.get("delivery_time")))


def _ms(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value) / 1000, timezone.utc)
    except (TypeError, ValueError):
        return None
