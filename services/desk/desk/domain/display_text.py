"""Vietnamese text for people: search that ignores diacritics ("dang ky khai sinh" finds
"Đăng ký khai sinh"), dates dd/mm/yyyy and money "30.000 đ" (the project's style; Circular
03/2025/TT-VPCP forms write dates the Vietnamese way)."""

import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from motcua_shared.vietnam.timeutil import to_vn


def fold(text: str) -> str:
    """Lower case, without diacritics; đ → d (it is a letter of its own, not d + a mark)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def matches(query: str, *texts: str) -> bool:
    """Every word of the query appears in the texts, diacritics ignored."""
    words = fold(query).split()
    haystack = " ".join(fold(t) for t in texts)
    return all(word in haystack for word in words)


def search(query: str, items: Iterable[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    return [item for item in items if matches(query, *(str(item.get(k) or "") for k in keys))]


def vn_date(value: str | date | datetime | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = to_vn(value) if value.tzinfo else value
    return value.strftime("%d/%m/%Y")


def vn_datetime(value: str | datetime | None) -> str:
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return (to_vn(moment) if moment.tzinfo else moment).strftime("%H:%M ngày %d/%m/%Y")


def vn_phone(value: str | None) -> str:
    """+84912345678 (as stored) → 0912 345 678 (as people write it)."""
    if not value:
        return ""
    if value.startswith("+84") and len(value) == 12:
        local = "0" + value[3:]
        return f"{local[:4]} {local[4:7]} {local[7:]}"
    return value


def money(amount: int | None) -> str:
    if amount is None:
        return ""
    if amount == 0:
        return "Miễn phí"
    return f"{amount:,}".replace(",", ".") + " đ"


def days_left(value: int | None) -> str:
    if value is None:
        return ""
    if value > 0:
        return f"còn {value} ngày làm việc"
    if value == 0:
        return "đến hạn hôm nay"
    return f"quá hạn {-value} ngày làm việc"
