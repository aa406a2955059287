"""Vietnamese phone numbers, normalised to E.164 (+84…), old 11-digit numbers converted.

Vietnam moved its 11-digit mobile numbers to 10 digits in 2018; dossiers typed from old papers
still carry them. The conversion table is the operators' (domain.md, "Telling the citizen").
Intake checks the number a citizen gives; notify normalises it again before sending.
"""

import re

import phonenumbers
from phonenumbers import PhoneNumberType

# Old 3-digit network prefix (after the leading 0) -> new 2-digit prefix.
OLD_PREFIXES: dict[str, str] = {
    # Viettel 0162–0169 -> 032–039
    **{f"16{d}": f"3{d}" for d in "23456789"},
    # MobiFone
    "120": "70",
    "121": "79",
    "122": "77",
    "126": "76",
    "128": "78",
    # VinaPhone
    "123": "83",
    "124": "84",
    "125": "85",
    "127": "81",
    "129": "82",
    # Vietnamobile, Gmobile
    "186": "56",
    "188": "58",
    "199": "59",
}

_MOBILE = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
_SEPARATORS = re.compile(r"[\s.\-()]")


class InvalidPhone(ValueError):
    """The number cannot receive a message; the text says why (English, for the log)."""


def normalise_phone(raw: str, *, mobile_only: bool = True) -> str:
    """'0912 345 678', '+84 912…', '84912…', '01689…' -> '+84912345678'.

    `mobile_only`: a number that must receive Zalo or SMS; intake also accepts a landline as
    the citizen's contact number."""
    text = _SEPARATORS.sub("", raw or "")
    if not text:
        raise InvalidPhone("empty phone number")
    international = text.startswith("+")
    digits = text.removeprefix("+")
    if not digits.isdigit():
        raise InvalidPhone("phone number contains characters other than digits")
    national = _national_part(digits, international)
    if len(national) == 10 and national[:3] in OLD_PREFIXES:
        national = OLD_PREFIXES[national[:3]] + national[3:]
    try:
        number = phonenumbers.parse("+84" + national)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(f"not a phone number ({exc})") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone("not a valid Vietnamese phone number")
    if mobile_only and phonenumbers.number_type(number) not in _MOBILE:
        raise InvalidPhone("not a mobile number (a landline cannot receive Zalo or SMS)")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _national_part(digits: str, international: bool) -> str:
    if international:
        if not digits.startswith("84"):
            raise InvalidPhone("not a Vietnamese number (+84)")
        return digits[2:]
    if digits.startswith("0"):
        return digits[1:]
    # '84912345678': country code without '+'. 9–10 digits after 84 is a full national number;
    # shorter, it is a national number that happens to start with 84 (VinaPhone 084…).
    if digits.startswith("84") and len(digits) in (11, 12):
        return digits[2:]
    return digits
