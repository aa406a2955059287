"""The citizen on a dossier, and the checks of their identifiers (Decree 13/2023: collect only
what the purpose needs). This data never leaves intake's database; events carry `contact`."""

import re

import phonenumbers
from pydantic import BaseModel, ConfigDict

from motcua_shared.events import CitizenContact, MessageChannel

from intake.domain.errors import RuleViolation

# Pre-2018 11-digit mobile prefixes and what they became (domain.md).
_OLD_PREFIXES = {
    **{f"016{d}": f"03{d}" for d in "23456789"},
    "0120": "070", "0121": "079", "0122": "077", "0126": "076", "0128": "078",
    "0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",
    "0186": "056", "0188": "058", "0199": "059",
}
_CCCD = re.compile(r"^\d{12}$")


class Citizen(BaseModel):
    model_config = ConfigDict(frozen=True)

    full_name: str
    cccd: str | None = None
    phone: str | None = None  # E.164
    address: str | None = None  # needed for home service
    consent: bool = False  # agreed to receive messages
    preferred_channel: MessageChannel = MessageChannel.ZALO

    def contact(self) -> CitizenContact:
        return CitizenContact(phone=self.phone, consent=self.consent, preferred_channel=self.preferred_channel)


def normalise_phone(raw: str) -> str:
    """'0912 345 678', '+84 912…', '84912…', old '0168…' → E.164 '+84…'; else RuleViolation."""
    digits = re.sub(r"[\s.\-()]", "", raw)
    if digits.startswith("84") and not digits.startswith("+"):
        digits = "+" + digits
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    if len(digits) == 11 and digits[:4] in _OLD_PREFIXES:
        digits = _OLD_PREFIXES[digits[:4]] + digits[4:]
    try:
        number = phonenumbers.parse(digits, "VN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise RuleViolation("phone", "Số điện thoại không hợp lệ", "Not a valid Vietnamese phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_cccd(raw: str) -> str:
    if not _CCCD.match(raw):
        raise RuleViolation("cccd", "Số CCCD phải gồm đúng 12 chữ số", "CCCD must be exactly 12 digits")
    return raw
