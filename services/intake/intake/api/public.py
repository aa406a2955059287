"""The citizen's progress look-up: code + last four digits of the phone, no login."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from motcua_shared.web.api_errors import ApiError

from intake.api.deps import AppDep, services
from intake.api.errors import lookup_not_found
from intake.api.files import file_response
from intake.api.views import public_view
from intake.app.ports import Expired, Tampered
from intake.app.public_lookup import TooManyAttempts, look_up
from intake.app.result_access import access_log, download_result, result_links
from intake.domain.errors import NotFound


def public_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1/public", tags=["public / tra cứu"])

    @router.get(
        "/dossiers/{code}",
        summary="Tra cứu tiến độ hồ sơ / look up a dossier's progress",
        description="Trả về trạng thái, ngày hẹn, thủ tục và đơn vị; không có họ tên, số "
        "điện thoại. Mã sai "
        "hoặc 4 số sai trả lời như nhau; sai nhiều lần bị tạm khoá. / Status, due date, procedure "
        "and unit only; a wrong code and wrong digits look the same; repeated failures → 429.",
    )
    async def lookup(
        request: Request,
        app: AppDep,
        code: Annotated[str, Path(description="Mã hồ sơ / dossier code")],
        phone_last4: Annotated[
            str | None, Query(description="4 số cuối điện thoại / last 4 phone digits")
        ] = None,
    ) -> dict[str, Any]:
        # No format checks here: any wrong input must get the very answer an unknown code gets.
        # The connection's address: X-Forwarded-For counts only from TRUSTED_PROXIES (uvicorn).
        client = request.client.host if request.client else "unknown"
        try:
            dossier = await look_up(app, client, code, phone_last4)
        except NotFound:
            raise lookup_not_found() from None
        except TooManyAttempts as exc:
            raise ApiError(
                429,
                "too_many_attempts",
                "Tra cứu sai quá nhiều lần, vui lòng thử lại sau",
                "Too many failed look-ups; try again later",
                headers={"Retry-After": str(exc.retry_after)},
            ) from None
        base = services(request).settings.public_url
        return public_view(dossier) | {
            "result_files": result_links(app, dossier, base),
            "access_log": await access_log(app, dossier),
        }

    @router.get(
        "/files/{token}",
        summary="Tải kết quả / download a returned result (link from the look-up)",
        responses={200: {"content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}}}},
    )
    async def download(
        request: Request, app: AppDep, token: Annotated[str, Path(min_length=1, max_length=400)]
    ) -> Response:
        client = request.client.host if request.client else "unknown"
        try:
            attachment, data = await download_result(app, client, token)
        except (NotFound, Tampered, Expired, ValueError, TypeError):
            raise ApiError(
                404,
                "not_found",
                "Đường dẫn tải kết quả không hợp lệ hoặc đã hết hạn, vui lòng tra cứu lại",
                "The download link is invalid or expired; look the dossier up again",
            ) from None
        return file_response(attachment.name, attachment.content_type, data)

    return router
