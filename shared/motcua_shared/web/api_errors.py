"""HTTP errors every service answers the same way: status, field, reason, Vietnamese and
English, e.g. `{"error": "validation_failed", "message": …, "message_en": …, "errors":
[{"field": "phone", "location": "body", "reason": "…vi…", "reason_en": "…"}]}`."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic_core import PydanticCustomError
from starlette.exceptions import HTTPException

_VI_BY_TYPE = {
    "missing": "Thiếu trường bắt buộc",
    "string_type": "Phải là chuỗi ký tự",
    "string_too_short": "Quá ngắn",
    "string_too_long": "Quá dài",
    "string_pattern_mismatch": "Không đúng định dạng",
    "int_parsing": "Phải là số nguyên",
    "int_type": "Phải là số nguyên",
    "bool_parsing": "Phải là true hoặc false",
    "datetime_parsing": "Không đúng định dạng ngày giờ ISO 8601",
    "datetime_from_date_parsing": "Không đúng định dạng ngày giờ ISO 8601",
    "timezone_aware": "Ngày giờ phải có múi giờ (ví dụ +07:00)",
    "date_parsing": "Không đúng định dạng ngày (YYYY-MM-DD)",
    "date_from_datetime_parsing": "Không đúng định dạng ngày (YYYY-MM-DD)",
    "enum": "Giá trị không nằm trong danh sách cho phép",
    "literal_error": "Giá trị không nằm trong danh sách cho phép",
    "extra_forbidden": "Trường không được phép",
    "greater_than_equal": "Giá trị quá nhỏ",
    "less_than_equal": "Giá trị quá lớn",
    "json_invalid": "JSON không hợp lệ",
    "model_attributes_type": "Phải là một đối tượng JSON",
    "list_type": "Phải là một danh sách",
}


# What the framework itself refuses (a body that is not JSON or not UTF-8, an unknown path, a
# method the path does not take), said the same way as every other error.
_HTTP_ERRORS = {
    400: (
        "unreadable_body",
        "Không đọc được nội dung yêu cầu: cần JSON, mã hoá UTF-8",
        "The request body could not be read: JSON in UTF-8 is expected",
    ),
    404: ("not_found", "Không có địa chỉ này", "No such path"),
    405: (
        "method_not_allowed",
        "Địa chỉ này không nhận phương thức này",
        "This path does not take this method",
    ),
}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message_vi: str,
        message_en: str,
        *,
        field: str | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message_en)
        self.status, self.code, self.field = status, code, field
        self.message_vi, self.message_en = message_vi, message_en
        self.extra, self.headers = extra or {}, headers

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "error": self.code,
            "message": self.message_vi,
            "message_en": self.message_en,
        }
        if self.field:
            body["field"] = self.field
        return body | self.extra


def bilingual_error(vi: str, en: str) -> PydanticCustomError:
    """Raise from a pydantic validator so the 422 carries both languages."""
    return PydanticCustomError("motcua_invalid", en, {"vi": vi})


def validation_body(errors: list[Any]) -> dict[str, Any]:
    items = []
    for err in errors:
        loc = [str(part) for part in err.get("loc", ())]
        location = loc[0] if loc and loc[0] in ("body", "query", "path", "header") else "body"
        field = ".".join(loc[1:] if loc and loc[0] == location else loc) or location
        ctx = err.get("ctx") or {}
        en = err.get("msg", "invalid")
        vi = ctx.get("vi") or _VI_BY_TYPE.get(err.get("type", ""), "Giá trị không hợp lệ")
        items.append({"field": field, "location": location, "reason": vi, "reason_en": en})
    return {
        "error": "validation_failed",
        "message": "Dữ liệu không hợp lệ: " + ", ".join(i["field"] for i in items),
        "message_en": "Invalid input: " + ", ".join(i["field"] for i in items),
        "errors": items,
    }


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(HTTPException)
    async def _http_error(_: Request, exc: HTTPException) -> JSONResponse:
        code, vi, en = _HTTP_ERRORS.get(
            exc.status_code, ("http_error", "Không thực hiện được yêu cầu", str(exc.detail))
        )
        return JSONResponse(
            {"error": code, "message": vi, "message_en": en},
            status_code=exc.status_code,
            headers=exc.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(validation_body(list(exc.errors())), status_code=422)
