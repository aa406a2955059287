"""Domain errors → HTTP answers, bilingual like every motcua error."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from motcua_shared.web.api_errors import ApiError
from motcua_shared.web.auth import forbidden

from intake.domain.errors import (
    ConcurrentUpdate,
    DomainError,
    IllegalTransition,
    NotFound,
    RuleViolation,
    WrongUnit,
)
from intake.domain.files import FileTooLarge, UnsupportedFileType

_WHAT_VI = {
    "officer": "tài khoản",
    "file": "tệp",
    "dossier": "hồ sơ",
    "task": "phần việc liên thông",
    "unit": "đơn vị",
    "procedure": "thủ tục",
}


def lookup_not_found() -> ApiError:
    """One answer for an unknown code and for wrong digits: it must not tell them apart."""
    return ApiError(
        404,
        "not_found",
        "Không tìm thấy hồ sơ với mã và 4 số cuối điện thoại đã nhập",
        "No dossier matches this code and these phone digits",
    )


def to_api_error(exc: Exception) -> ApiError:
    if isinstance(exc, IllegalTransition):
        return ApiError(
            409,
            "illegal_transition",
            exc.detail_vi,
            exc.detail_en,
            field="status",
            extra={"current_status": exc.current.value, "action": exc.action},
        )
    if isinstance(exc, RuleViolation):
        return ApiError(
            422,
            "validation_failed",
            exc.vi,
            exc.en,
            field=exc.field,
            extra={
                "errors": [
                    {"field": exc.field, "location": "body", "reason": exc.vi, "reason_en": exc.en}
                ]
            },
        )
    if isinstance(exc, NotFound):
        return ApiError(
            404,
            "not_found",
            f"Không tìm thấy {_WHAT_VI.get(exc.what, exc.what)} {exc.key}",
            f"{exc.what.capitalize()} {exc.key} not found",
            field=exc.what,
        )
    if isinstance(exc, WrongUnit):
        return forbidden()
    if isinstance(exc, FileTooLarge):
        mb = f"{exc.limit / 1024 / 1024:g} MB"
        vi, en = (
            (f"Tệp vượt quá {mb}", f"The file is over {mb}")
            if exc.what == "file"
            else (
                f"Tổng dung lượng tệp của hồ sơ vượt quá {mb}",
                f"The dossier's files together would exceed {mb}",
            )
        )
        return ApiError(
            413, "file_too_large", vi, en, field="file", extra={"limit_bytes": exc.limit}
        )
    if isinstance(exc, UnsupportedFileType):
        return ApiError(
            415,
            "unsupported_file_type",
            "Chỉ nhận tệp PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp)",
            "Only PDF, JPEG or PNG files are accepted (checked from the file's bytes)",
            field="file",
        )
    if isinstance(exc, ConcurrentUpdate):
        return ApiError(
            409,
            "concurrent_update",
            "Hồ sơ vừa được cập nhật bởi người khác, hãy thử lại",
            "The dossier was changed meanwhile; try again",
        )
    raise exc


def install_domain_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain_error(_: Request, exc: DomainError) -> JSONResponse:
        error = to_api_error(exc)
        return JSONResponse(error.body(), status_code=error.status, headers=error.headers)
