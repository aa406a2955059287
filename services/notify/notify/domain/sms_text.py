"""SMS text: Vietnamese transliterated without diacritics, then sized in GSM-7.

A brandname SMS with diacritics is UCS-2 (70 characters, 67 per part) and costs more; without
them it is GSM-7: 160 septets in one part, 153 per part once split (the rest is the
concatenation header). Characters of the GSM-7 extension table take two septets (an escape
and the character).
"""

import math
from dataclasses import dataclass

from unidecode import unidecode

SINGLE_PART = 160
PER_PART = 153

_GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION = set("^{}\\[~]|€\f")


@dataclass(frozen=True)
class SmsSize:
    septets: int
    parts: int


def to_sms_text(text: str) -> str:
    """'Đăng ký khai sinh' -> 'Dang ky khai sinh'. What unidecode cannot map to GSM-7
    becomes '?'."""
    ascii_text = unidecode(text)
    return "".join(ch if ch in _GSM7_BASIC or ch in _GSM7_EXTENSION else "?" for ch in ascii_text)


def sms_size(text: str) -> SmsSize:
    """Septets and parts of a GSM-7 text (call on `to_sms_text` output)."""
    septets = sum(2 if ch in _GSM7_EXTENSION else 1 for ch in text)
    parts = 1 if septets <= SINGLE_PART else math.ceil(septets / PER_PART)
    return SmsSize(septets, parts)


def shorten(text: str, limit: int) -> str:
    """Cut to `limit` characters, the cut marked by '...' (GSM-7 has no '…')."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 3, 0)].rstrip(" ,;:-") + "..."
