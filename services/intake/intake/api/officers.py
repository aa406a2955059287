"""Login (`POST /api/v1/auth/login`) and the unit admin's accounts (`/api/v1/officers`).

Decree 118/2025/NĐ-CP: the desk's officers act in their own name; the token login gives is the
one every service checks (minted by `motcua_shared.web.auth.mint_token`). Wrong user or password:
401, one answer for both; locked after repeated failures: 423 with Retry-After; disabled: 403.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from motcua_shared.web.api_errors import ApiError
from motcua_shared.web.auth import Principal, mint_token, require_roles

from intake.api.deps import OFFICERS, PrincipalDep, services
from intake.api.schemas import Phone, Text
from intake.app.officers import Accounts, LoginRefused, UsernameTaken
from intake.domain.officers import USERNAME_PATTERN, NewOfficer, Officer

Username = Annotated[str, Path(pattern=USERNAME_PATTERN, description="Tên đăng nhập / username")]


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class CreateOfficerRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(pattern=USERNAME_PATTERN, description="a-z, 0-9, '.', '-'; 3–64 ký tự")
    full_name: Annotated[Text, Field(max_length=200)]
    roles: list[str] = Field(
        min_length=1, max_length=4, description="desk | specialist | leader | admin"
    )
    password: str = Field(min_length=10, max_length=256)
    email: str | None = Field(None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")
    phone: Phone | None = None


def _view(officer: Officer, *, private: bool) -> dict[str, Any]:
    body = {
        "username": officer.username,
        "unit": officer.unit,
        "roles": officer.roles,
        "full_name": officer.full_name,
        "disabled": officer.disabled,
    }
    if private:
        body |= {"email": officer.email, "phone": officer.phone}
    return body


def _refusal(exc: LoginRefused) -> ApiError:
    if exc.reason == "locked":
        return ApiError(
            423,
            "account_locked",
            "Tài khoản tạm khoá do nhập sai mật khẩu nhiều lần, vui lòng thử lại sau",
            "Account locked after repeated failed logins; try again later",
            headers={"Retry-After": str(exc.retry_after)},
        )
    if exc.reason == "disabled":
        return ApiError(
            403, "account_disabled", "Tài khoản đã bị vô hiệu hoá", "This account is disabled"
        )
    return ApiError(
        401, "bad_credentials", "Sai tên đăng nhập hoặc mật khẩu", "Wrong username or password"
    )


def officers_router(principal: PrincipalDep) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["officers / cán bộ"])
    admin = require_roles(principal, "admin")
    officer = require_roles(principal, *OFFICERS)

    async def accounts(request: Request) -> Accounts:
        return services(request).accounts

    AccountsDep = Annotated[Accounts, Depends(accounts)]

    @router.post(
        "/auth/login", summary="Đăng nhập / officer login: username + password → bearer JWT"
    )
    async def login(body: LoginRequest, request: Request, accounts: AccountsDep) -> dict[str, Any]:
        wired = services(request)
        settings = wired.settings
        try:
            found = await accounts.login(body.username, body.password, wired.intake.clock())
        except LoginRefused as exc:
            raise _refusal(exc) from None
        token = mint_token(
            settings.jwt_secret,
            found.username,
            found.unit,
            found.roles,
            hours=settings.login_token_hours,
            algorithm=settings.jwt_algorithm,
        )
        return {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": settings.login_token_hours * 3600,
            "officer": _view(found, private=False),
        }

    @router.get("/officers", summary="Cán bộ của đơn vị / the officers of your unit")
    async def list_officers(
        who: Annotated[Principal, Depends(officer)], accounts: AccountsDep
    ) -> dict[str, Any]:
        private = who.has_any("admin")
        return {
            "unit": who.unit,
            "officers": [_view(o, private=private) for o in await accounts.of_unit(who.unit)],
        }

    @router.post(
        "/officers",
        status_code=201,
        summary="Tạo tài khoản (quản trị đơn vị) / create an account (unit admin)",
    )
    async def create(
        body: CreateOfficerRequest,
        request: Request,
        who: Annotated[Principal, Depends(admin)],
        accounts: AccountsDep,
    ) -> dict[str, Any]:
        try:
            created = await accounts.create(
                who.unit, who.sub, NewOfficer(**body.model_dump()), services(request).intake.clock()
            )
        except UsernameTaken:
            raise ApiError(
                409,
                "username_taken",
                "Tên đăng nhập đã tồn tại",
                "This username is taken",
                field="username",
            ) from None
        return _view(created, private=True)

    @router.post(
        "/officers/{username}/disable",
        summary="Vô hiệu hoá tài khoản / disable an account (unit admin)",
    )
    async def disable(
        username: Username, who: Annotated[Principal, Depends(admin)], accounts: AccountsDep
    ) -> dict[str, Any]:
        return _view(await accounts.set_disabled(who.unit, who.sub, username, True), private=True)

    @router.post(
        "/officers/{username}/enable", summary="Mở lại tài khoản / enable an account (unit admin)"
    )
    async def enable(
        username: Username, who: Annotated[Principal, Depends(admin)], accounts: AccountsDep
    ) -> dict[str, Any]:
        return _view(await accounts.set_disabled(who.unit, who.sub, username, False), private=True)

    return router
