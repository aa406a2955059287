"""Digitised papers and results (số hoá hồ sơ, kết quả giải quyết thủ tục hành chính).

Rule: the desk scans each paper the procedure requires, the specialist attaches the result;
only PDF, JPEG and PNG are kept, recognised by their first bytes (magic numbers), never by the
file name or the client's Content-Type; a file and a dossier each have a size limit. A paper
digitised for one dossier may be reused by a later dossier of the same citizen, so the citizen
is not asked for it again. Source: Decree 118/2025/NĐ-CP (the one-stop mechanism: digitising
dossiers and results when received and returned, reusing digitised data), Circular 03/2025/TT-VPCP;
Decree 13/2023/NĐ-CP on the personal data these files hold.
"""

import hashlib
from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from intake.domain.errors import DomainError

FileRole = Literal["paper", "result"]

# (first bytes, MIME type): what the file is, whatever it is called.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
ACCEPTED_TYPES = tuple(mime for _, mime in _MAGIC)


class FileTooLarge(DomainError):
    """Over the per-file or the per-dossier limit (HTTP 413)."""

    def __init__(self, limit: int, what: Literal["file", "dossier"]) -> None:
        self.limit, self.what = limit, what
        super().__init__(f"{what} over {limit} bytes")


class UnsupportedFileType(DomainError):
    """Not a PDF, JPEG or PNG by its bytes (HTTP 415)."""


class Attachment(BaseModel):
    """A digitised file of a dossier. The bytes live in the file store; the dossier keeps this."""

    file_id: str
    role: FileRole
    paper: str | None = None  # the required paper it stands for (role "paper")
    name: str
    content_type: str
    size_bytes: int
    sha256: str
    attached_at: datetime
    officer_id: str
    reused_from: str | None = None  # code of the dossier the scan was first made for


def sniff_type(head: bytes) -> str:
    """The MIME type the bytes say, or UnsupportedFileType."""
    for magic, mime in _MAGIC:
        if head.startswith(magic):
            return mime
    raise UnsupportedFileType("not a PDF, JPEG or PNG")


def check_file(
    data: bytes, max_file_bytes: int, stored_bytes: int, max_dossier_bytes: int
) -> tuple[str, str]:
    """(content type, SHA-256 hex) of an acceptable file; FileTooLarge /
    UnsupportedFileType otherwise."""
    if len(data) > max_file_bytes:
        raise FileTooLarge(max_file_bytes, "file")
    if stored_bytes + len(data) > max_dossier_bytes:
        raise FileTooLarge(max_dossier_bytes, "dossier")
    return sniff_type(data[:16]), hashlib.sha256(data).hexdigest()


def safe_name(name: str | None, content_type: str) -> str:
    """A display name without path parts or control characters (it ends up in a header)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '";')[:120].strip()
    extension = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}[content_type]
    return base or f"tep{extension}"
