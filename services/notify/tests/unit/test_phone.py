"""Phone numbers: every accepted spelling, every converted 11-digit prefix, and what is refused."""

import pytest

from motcua_shared.vietnam.phones import OLD_PREFIXES, InvalidPhone, normalise_phone

from notify.domain.phone import phone_key, provider_phone

CONVERSIONS = {  # domain.md, "Telling the citizen"
    "0162": "032",
    "0163": "033",
    "0164": "034",
    "0165": "035",
    "0166": "036",
    "0167": "037",
    "0168": "038",
    "0169": "039",
    "0120": "070",
    "0121": "079",
    "0122": "077",
    "0126": "076",
    "0128": "078",
    "0123": "083",
    "0124": "084",
    "0125": "085",
    "0127": "081",
    "0129": "082",
    "0186": "056",
    "0188": "058",
    "0199": "059",
}


@pytest.mark.parametrize(
    "raw",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "+84 912 345 678",
        "+84912345678",
        "84912345678",
        "(091) 234-5678",
    ],
)
def test_accepted_spellings_give_e164(raw):
    assert normalise_phone(raw) == "+84912345678"


@pytest.mark.parametrize(("old", "new"), sorted(CONVERSIONS.items()))
def test_old_eleven_digit_numbers_are_converted(old, new):
    assert normalise_phone(old + "1234567") == "+84" + new[1:] + "1234567"
    assert normalise_phone("+84" + old[1:] + "1234567") == "+84" + new[1:] + "1234567"


def test_the_table_is_complete():
    assert {"0" + k: "0" + v for k, v in OLD_PREFIXES.items()} == CONVERSIONS


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("", "empty"),
        ("0912abc678", "digits"),
        ("+1 415 555 0100", "Vietnamese"),
        ("091234", "valid"),
        ("024 3825 1234", "mobile"),
        ("0112345678", "valid"),
    ],
)
def test_unusable_numbers_are_refused_with_a_reason(raw, why):
    with pytest.raises(InvalidPhone, match=why):
        normalise_phone(raw)


def test_provider_form_and_keyed_hash():
    assert provider_phone("+84912345678") == "84912345678"
    key = phone_key("+84912345678", "secret")
    assert len(key) == 64 and "912345678" not in key
    assert key == phone_key("+84912345678", "secret") != phone_key("+84912345678", "other")
