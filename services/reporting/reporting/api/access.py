"""Who is asking: a provincial system's API key (`X-API-Key`) or a leader's bearer token.
Missing or unknown credentials → 401; a scope that does not cover the report → 403."""

from typing import Annotated

from fastapi import Depends, Request

from motcua_shared.web.api_errors import ApiError
from motcua_shared.web.auth import check_unit, decode_token, forbidden

from reporting.api.deps import Services, services
from reporting.domain.scope import AccessScope, ReportTarget

READER_ROLES = ("leader",)


def _unauthorized(vi: str, en: str) -> ApiError:
    return ApiError(
        401,
        "unauthorized",
        vi,
        en,
        headers={"WWW-Authenticate": 'Bearer, ApiKey header="X-API-Key"'},
    )


async def caller_scope(
    request: Request, svc: Annotated[Services, Depends(services)]
) -> AccessScope:
    if key := request.headers.get("x-api-key"):
        record = await svc.api_keys.authenticate(key)
        if record is None:
            raise _unauthorized(
                "Khoá API không hợp lệ hoặc đã bị thu hồi", "Unknown or revoked API key"
            )
        return record.scope
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        principal = decode_token(
            token.strip(),
            svc.settings.jwt_secret,
            svc.settings.jwt_algorithm,
            max_hours=svc.settings.jwt_max_hours,
        )
        await check_unit(principal, svc.unit_known)
        if not principal.has_any(*READER_ROLES):
            raise ApiError(
                403,
                "forbidden_role",
                "Chỉ lãnh đạo đơn vị được xem báo cáo",
                "Reports are for unit leaders (role leader) and API keys",
            )
        return AccessScope(units=frozenset({principal.unit}))
    raise _unauthorized(
        "Thiếu khoá API (X-API-Key) hoặc bearer token", "Missing X-API-Key or bearer token"
    )


async def authorize(svc: Services, scope: AccessScope, target: ReportTarget) -> None:
    unit_province = None
    if target.unit is not None and scope.province is not None:
        unit_province = await svc.reader.unit_province(target.unit)
    if not scope.allows(target, unit_province):
        granted = scope.describe()
        raise forbidden(
            f"Ngoài phạm vi được cấp: {granted}", f"Outside the caller's scope: {granted}"
        )
