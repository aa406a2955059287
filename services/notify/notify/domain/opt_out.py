"""Opting out by SMS: the citizen answers the brandname with a stop word."""

from unidecode import unidecode

STOP_WORDS = ("STOP", "HUY", "TU CHOI", "TUCHOI", "DUNG", "KHONG NHAN")


def is_stop_request(text: str) -> bool:
    """'STOP', 'stop', 'Hủy', 'từ chối', 'TU CHOI nhan tin' -> True."""
    words = " ".join(unidecode(text or "").upper().split())
    return any(words == word or words.startswith(word + " ") for word in STOP_WORDS)
