"""SMS text without diacritics (by unidecode) and its GSM-7 size."""

import pytest

from notify.domain.sms_text import SmsSize, shorten, sms_size, to_sms_text


def test_vietnamese_is_transliterated_by_the_library():
    assert (
        to_sms_text("Đăng ký khai sinh – Ủy ban nhân dân phường Đống Đa")
        == "Dang ky khai sinh - Uy ban nhan dan phuong Dong Da"
    )
    assert to_sms_text("đ Đ ư ơ Ông/Bà") == "d D u o Ong/Ba"


def test_characters_outside_gsm7_become_question_marks():
    assert to_sms_text("a`b") == "a?b"


@pytest.mark.parametrize(
    ("text", "septets", "parts"),
    [
        ("a" * 160, 160, 1),
        ("a" * 161, 161, 2),
        ("a" * 306, 306, 2),
        ("a" * 307, 307, 3),
        ("[" * 80, 160, 1),
        ("[" * 80 + "a", 161, 2),
        ("€{}", 6, 1),
    ],
)
def test_gsm7_parts_count_extension_characters_twice(text, septets, parts):
    assert sms_size(text) == SmsSize(septets, parts)


def test_shorten_marks_the_cut():
    assert shorten("Chung thuc ban sao", 40) == "Chung thuc ban sao"
    assert shorten("Chung thuc ban sao tu ban chinh", 15) == "Chung thuc b..."
    assert len(shorten("x" * 100, 20)) == 20
