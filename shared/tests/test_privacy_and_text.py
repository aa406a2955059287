import logging

import pytest
from pydantic import TypeAdapter, ValidationError

from motcua_shared.ops.logs import JsonFormatter, correlation
from motcua_shared.vietnam.privacy import mask_cccd, mask_phone, mask_text
from motcua_shared.vietnam.text import NfcStr


def test_masks_keep_only_the_last_digits():
    assert mask_phone("+84912345678") == "+84******678"
    assert mask_cccd("079203001234") == "********1234"


def test_free_text_is_masked():
    text = mask_text("gọi 0912 345 678 hoặc +84987654321, CCCD 079203001234")
    assert "345 678" not in text and "87654321" not in text and "079203001234" not in text
    assert "1234" in text


def test_log_lines_are_json_masked_and_carry_the_correlation_id():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "sent to %s", ("+84912345678",), None
    )
    with correlation("dossier-42"):
        line = JsonFormatter("notify").format(record)
    assert "912345" not in line and '"correlation_id": "dossier-42"' in line


def test_nfc_text_is_required():
    adapter = TypeAdapter(NfcStr)
    assert adapter.validate_python("Nguyễn") == "Nguyễn"
    decomposed = "Nguye\u0302\u0303n"
    with pytest.raises(ValidationError):
        adapter.validate_python(decomposed)
