import pytest

from intake.domain.citizen import check_cccd, normalise_phone
from intake.domain.errors import RuleViolation


@pytest.mark.parametrize("raw", ["0912 345 678", "+84 912 345 678", "84912345678", "0912.345.678"])
def test_phone_forms_become_e164(raw: str) -> None:
    assert normalise_phone(raw) == "+84912345678"


def test_old_eleven_digit_numbers_are_converted() -> None:
    assert normalise_phone("01688 123 456") == "+84388123456"  # Viettel 0168 → 038
    assert normalise_phone("0123 456 7890") == "+84834567890"  # VinaPhone 0123 → 083


@pytest.mark.parametrize("raw", ["12345", "0912 345", "abc", "0000000000"])
def test_malformed_phone_is_refused(raw: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        normalise_phone(raw)
    assert refused.value.field == "phone"


@pytest.mark.parametrize("raw", ["07920300123", "0792030012345", "07920300123a"])
def test_cccd_must_be_12_digits(raw: str) -> None:
    with pytest.raises(RuleViolation):
        check_cccd(raw)
    assert check_cccd("079203001234") == "079203001234"
