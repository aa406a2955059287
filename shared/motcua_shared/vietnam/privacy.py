"""Masking of personal data for logs (Decree 13/2023): never print a full phone or CCCD."""

import re

_PHONE = re.compile(r"(?<!\d)(\+?84|0)(\d[\d .-]{6,12}\d)(?!\d)")
_CCCD = re.compile(r"(?<!\d)\d{12}(?!\d)")


def mask_phone(phone: str | None) -> str:
    """+84912345678 -> +84*******678"""
    if not phone:
        return ""
    digits = phone.strip()
    if len(digits) <= 3:
        return "*" * len(digits)
    head = 3 if digits.startswith("+") else 1
    return digits[:head] + "*" * (len(digits) - head - 3) + digits[-3:]


def mask_cccd(cccd: str | None) -> str:
    """079203001234 -> ********1234"""
    if not cccd:
        return ""
    return "*" * (len(cccd) - 4) + cccd[-4:]


def mask_text(text: str) -> str:
    """Mask anything in free text that looks like a CCCD or a Vietnamese phone number."""
    text = _CCCD.sub(lambda m: mask_cccd(m.group(0)), text)
    return _PHONE.sub(lambda m: mask_phone(m.group(0)), text)
