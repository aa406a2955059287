"""Bearer JWTs for officers and leaders: `sub` (officer id), `unit` (unit code), `roles`.

Roles: desk (công chức một cửa), specialist (công chức chuyên môn), leader (lãnh đạo),
admin (unit administrator), system (service-to-service, e.g. a rebuild).
Services decide which roles an endpoint needs; every service
scopes an officer to the dossiers of its own unit.

A token is accepted only when it is signed with JWT_SECRET, names motcua as issuer and audience,
carries only known roles, lives no longer than JWT_MAX_HOURS (exp - iat) and names a unit the
unit directory knows (`*` only for `system`). Decree 118/2025/NĐ-CP and Circular
03/2025/TT-VPCP (the one-stop information system: each officer acts within their unit and role).
"""

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Annotated, Protocol

import jwt
from fastapi import Depends, Request
from pydantic import BaseModel

from motcua_shared.vietnam.timeutil import utcnow
from motcua_shared.web.api_errors import ApiError

ROLES = ("desk", "specialist", "leader", "admin", "system")
ISSUER = "motcua"
AUDIENCE = "motcua"
ALL_UNITS = "*"  # a `system` token (service-to-service) is not bound to one unit
DEFAULT_MAX_HOURS = 12.0
CLOCK_SKEW = timedelta(seconds=60)


class UnitCheck(Protocol):
    def __call__(self, unit: str) -> Awaitable[bool]: ...


class Principal(BaseModel):
    sub: str
    unit: str
    roles: list[str]

    def has_any(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


def mint_token(
    secret: str,
    sub: str,
    unit: str,
    roles: list[str],
    *,
    hours: float = 12,
    algorithm: str = "HS256",
    issued_at: datetime | None = None,
    issuer: str = ISSUER,
    audience: str = AUDIENCE,
) -> str:
    """`issued_at` (default now): a test running the services on a shifted clock issues tokens
    at their time, since a token issued in their future is refused."""
    now = issued_at or utcnow()
    claims = {
        "sub": sub,
        "unit": unit,
        "roles": roles,
        "iat": now,
        "exp": now + timedelta(hours=hours),
        "iss": issuer,
        "aud": audience,
    }
    return jwt.encode(claims, secret, algorithm=algorithm)


def decode_token(
    token: str, secret: str, algorithm: str = "HS256", *, max_hours: float = DEFAULT_MAX_HOURS
) -> Principal:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[algorithm],
            issuer=ISSUER,
            audience=AUDIENCE,
            options={"require": ["sub", "exp", "iat", "iss", "aud"]},
        )
        principal = Principal.model_validate(claims)
    except Exception as exc:
        raise unauthorized() from exc
    lifetime = timedelta(seconds=claims["exp"] - claims["iat"])
    known_roles = bool(principal.roles) and set(principal.roles) <= set(ROLES)
    all_units_ok = principal.unit != ALL_UNITS or principal.roles == ["system"]
    if lifetime > timedelta(hours=max_hours) + CLOCK_SKEW or not known_roles or not all_units_ok:
        raise unauthorized()
    return principal


def unauthorized() -> ApiError:
    return ApiError(
        401,
        "unauthorized",
        "Chưa xác thực hoặc mã xác thực không hợp lệ",
        "Missing or invalid bearer token",
        headers={"WWW-Authenticate": "Bearer"},
    )


def forbidden(
    vi: str = "Không có quyền với đơn vị này", en: str = "Not allowed for this unit"
) -> ApiError:
    return ApiError(403, "forbidden", vi, en)


def bearer_principal(
    secret: str,
    algorithm: str = "HS256",
    *,
    max_hours: float = DEFAULT_MAX_HOURS,
    unit_known: UnitCheck | None = None,
) -> Callable[[Request], Awaitable[Principal]]:
    """A FastAPI dependency that reads and checks the bearer token; with `unit_known`, a token
    of a unit the directory does not know is refused too (401)."""

    async def dependency(request: Request) -> Principal:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise unauthorized()
        principal = decode_token(token.strip(), secret, algorithm, max_hours=max_hours)
        await check_unit(principal, unit_known)
        return principal

    return dependency


async def check_unit(principal: Principal, unit_known: UnitCheck | None) -> None:
    if (
        unit_known is not None
        and principal.unit != ALL_UNITS
        and not await unit_known(principal.unit)
    ):
        raise ApiError(
            401,
            "unknown_unit",
            "Mã xác thực thuộc một đơn vị không tồn tại",
            "The token's unit is unknown",
            headers={"WWW-Authenticate": "Bearer"},
        )


# A FastAPI dependency giving the caller: bearer_principal's (async) or require_roles' (sync).
PrincipalDep = Callable[..., Principal | Awaitable[Principal]]


def require_roles(principal_dep: PrincipalDep, *roles: str) -> Callable[..., Awaitable[Principal]]:
    # async: FastAPI runs a plain-def dependency in a worker thread (a hop per request).
    async def dependency(principal: Annotated[Principal, Depends(principal_dep)]) -> Principal:
        if not principal.has_any(*roles):
            raise ApiError(
                403,
                "forbidden_role",
                "Vai trò không được phép thực hiện thao tác này",
                f"Requires one of the roles: {', '.join(roles)}",
            )
        return principal

    return dependency


def ensure_unit(principal: Principal, unit_code: str) -> None:
    """An officer acts only on its own unit's dossiers."""
    if principal.unit != unit_code:
        raise forbidden()
