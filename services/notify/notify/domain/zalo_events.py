"""Zalo's webhook (Zalo OA webhook documentation): the OA's events, signed. The delivery event
of a ZNS message is `user_received_message`, carrying Zalo's msg_id and our tracking_id.

Signature header `X-ZEvent-Signature: mac=<sha256(app_id + raw body + timestamp + OA secret key)>`.
The signature is checked on the raw bytes before anything parses them (our own app id; the
timestamp picked out of the text with a bounded pattern), so an unsigned body, however nested,
is refused without being parsed. Pure (no I/O): the API checks and reads an event with it,
the sandbox signs its callbacks with it.
"""

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
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


_TIMESTAMP = re.compile(r'"timestamp"\s*:\s*"?(\d{1,20})"?')
MAX_TIMESTAMPS = 4  # candidates tried; a real event has one at its top level


def verify_and_parse(
    raw: bytes, signature: str | None, oa_secret_key: str, app_id: str
) -> dict[str, Any]:
    try:
        text = raw.decode()  # before json.loads, which would also take UTF-16 or UTF-32
    except ValueError as exc:
        raise BadZaloEvent("body is not UTF-8") from exc
    stamps = [
        m.group(1) for _, m in zip(range(MAX_TIMESTAMPS), _TIMESTAMP.finditer(text), strict=False)
    ]
    # Bytes: compare_digest refuses str with non-ASCII characters, which a header may carry.
    given = (signature or "").strip().encode()
    if not given or not any(
        hmac.compare_digest(given, zalo_signature(app_id, text, stamp, oa_secret_key).encode())
        for stamp in stamps
    ):
        raise BadZaloEvent("signature does not match")
    try:
        event = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BadZaloEvent("body is not JSON") from exc
    if not isinstance(event, dict):
        raise BadZaloEvent("body is not a JSON object")
    return event


def delivery_of(event: dict[str, Any]) -> ZaloDelivery | None:
    if event.get("event_name") != DELIVERY_EVENT:
        return None
    message = event.get("message") or {}
    return ZaloDelivery(
        message.get("msg_id"), message.get("tracking_id"), _ms(message.get("delivery_time"))
    )


def _ms(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value) / 1000, UTC)
    except (TypeError, ValueError):
        return None
