"""Vietnamese text at the edge: UTF-8, NFC. Text that is not NFC is refused, not guessed at,
so what is stored is exactly what was checked."""

import unicodedata
from typing import Annotated

from pydantic import AfterValidator


def require_nfc(value: str) -> str:
    if not unicodedata.is_normalized("NFC", value):
        raise ValueError("text must be Unicode NFC (văn bản phải ở dạng chuẩn hoá NFC)")
    return value


NfcStr = Annotated[str, AfterValidator(require_nfc)]
