"""Bearer JWTs for officers and leaders: `sub` (officer id), `unit` (unit code), `roles`.

Roles: desk (công chức một cửa), specialist (công chức chuyên môn), leader (lãnh đạo),
admin (unit administrator), system (service-to-service, e.g. a rebuild).
Services decide which roles an endpoint needs; every service
scopes an officer to the dossiers of its own unit.
"""

from datetime import datetime, timedelta
from typing import Annotated, Callable

import jwt
from fastapi import Depends, Request
from pydantic import BaseModel

from motcua_shared.api_errors import ApiError
from motcua_shared.timeutil import utcnow

ROLES = ("desk", "specialist", "leader", "admin", "system")


class Principal(BaseModel):
    sub: str
    unit: str
    roles: list[str]

    def has_any(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


def mint_token(secret: str, sub: str, unit: str, roles: list[str], *, hours: int = 12,
               algorithm: str = "HS256", issued_at: datetime | None = None) -> str:
    """`issued_at` (default now): a test running the services on a shifted clock issues tokens
    at their time, since a token issued in their future is refused."""
    now = issued_at or utcnow()
    claims = {"sub": sub, "unit": unit, "roles": roles, "iat": now, "exp": now + timedelta(hours=hours)}
    return jwt.encode(claims, secret, algorithm=algorithm)


def decode_token(token: str, secret: str, algorithm: str = "HS256") -> Principal:
    try:
        claims = jwt.decode(token, secret, algorithms=[algorithm], options={"require": ["sub", "exp"]})
        return Principal.model_validate(claims)
    except Exception as exc:
        raise unauthorized() from exc


def unauthorized() -> ApiError:
    return ApiError(401, "unauthorized", "Chưa xác thực hoặc mã xác thực không hợp lệ",
                    "Missing or invalid bearer token", headers={"WWW-Authenticate": "Bearer"})


def forbidden(vi: str = "Không có quyền với đơn vị này",
              en: str = "Not allowed for this unit") -> ApiError:
    return ApiError(403, "forbidden", vi, en)


def bearer_principal(secret: str, algorithm: str = "HS256") -> Callable[[Request], Principal]:
    """A FastAPI dependency that reads and checks the bearer token."""

    def dependency(request: Request) -> Principal:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise unauthorized()
        return decode_token(token.strip(), secret, algorithm)

    return dependency


def require_roles(principal_dep: Callable[..., Principal], *roles: str) -> Callable[..., Principal]:
    def dependency(principal: Annotated[Principal, Depends(principal_dep)]) -> Principal:
        if not principal.has_any(*roles):
            raise ApiError(403, "forbidden_role", "Vai trò không được phép thực hiện thao tác này",
                           f"Requires one of the roles: {', '.join(roles)}")
        return principal

    return dependency


def ensure_unit(principal: Principal, unit_code: str) -> None:
    """An officer acts only on its own unit's dossiers."""
    if principal.unit != unit_code:
        raise forbidden()
