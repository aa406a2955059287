"""Login and the unit admin's account management (Decree 118/2025/NĐ-CP: the one-stop desk's
officers act in their own name; Circular 03/2025/TT-VPCP form 06 names them).

Login answers the same for an unknown user and a wrong password, and hashes even for an unknown
user so the time taken does not tell them apart; a locked account is refused before its password
is checked (so guessing cannot go on while locked); a disabled one only after (so its state is
told only to who knows the password). Tokens are minted by the shared `mint_token` only.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from intake.domain.errors import DomainError, NotFound, RuleViolation
from intake.domain.officers import OFFICER_ROLES, LockoutPolicy, NewOfficer, Officer


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...

    def needs_rehash(self, password_hash: str) -> bool: ...


class OfficerStore(Protocol):
    async def get(self, username: str) -> Officer | None: ...

    async def insert(self, officer: Officer) -> bool: ...  # False when the username exists

    async def count_failure(self, username: str, policy: LockoutPolicy, now: datetime) -> None: ...

    async def login_succeeded(self, username: str, new_hash: str | None) -> None: ...

    async def set_disabled(self, username: str, disabled: bool) -> None: ...

    async def of_unit(self, unit: str) -> list[Officer]: ...


class LoginRefused(DomainError):
    def __init__(self, reason: str, retry_after: int | None = None) -> None:
        self.reason, self.retry_after = reason, retry_after
        super().__init__(reason)


class UsernameTaken(DomainError):
    pass


@dataclass
class Accounts:
    store: OfficerStore
    hasher: PasswordHasher
    policy: LockoutPolicy
    dummy_hash: str = ""

    def __post_init__(self) -> None:
        self.dummy_hash = self.hasher.hash("motcua-no-such-officer")

    async def login(self, username: str, password: str, now: datetime) -> Officer:
        officer = await self.store.get(username.strip().lower())
        if officer is None:
            self.hasher.verify(self.dummy_hash, password)
            raise LoginRefused("bad_credentials")
        if officer.locked(now):
            assert officer.locked_until is not None
            raise LoginRefused(
                "locked", retry_after=max(1, int((officer.locked_until - now).total_seconds()))
            )
        if not self.hasher.verify(officer.password_hash, password):
            await self.store.count_failure(officer.username, self.policy, now)
            raise LoginRefused("bad_credentials")
        if officer.disabled:
            raise LoginRefused("disabled")
        rehash = (
            self.hasher.hash(password) if self.hasher.needs_rehash(officer.password_hash) else None
        )
        await self.store.login_succeeded(officer.username, rehash)
        return officer

    async def create(
        self, admin_unit: str, admin_id: str, new: NewOfficer, now: datetime
    ) -> Officer:
        unknown = [r for r in new.roles if r not in OFFICER_ROLES]
        if not new.roles or unknown:
            raise RuleViolation(
                "roles",
                "Vai trò phải là desk, specialist, leader hoặc admin",
                "Roles must be among desk, specialist, leader, admin",
            )
        if len(new.password) < 10:
            raise RuleViolation(
                "password",
                "Mật khẩu phải có ít nhất 10 ký tự",
                "The password needs at least 10 characters",
            )
        officer = Officer(
            username=new.username,
            unit=admin_unit,
            roles=sorted(set(new.roles)),
            full_name=new.full_name,
            email=new.email,
            phone=new.phone,
            password_hash=self.hasher.hash(new.password),
            created_by=admin_id,
            created_at=now,
        )
        if not await self.store.insert(officer):
            raise UsernameTaken(new.username)
        return officer

    async def set_disabled(
        self, admin_unit: str, admin_id: str, username: str, disabled: bool
    ) -> Officer:
        officer = await self.store.get(username)
        if officer is None or officer.unit != admin_unit:
            raise NotFound("officer", username)  # another unit's account is not even named
        if disabled and username == admin_id:
            raise RuleViolation(
                "username",
                "Không thể tự khoá tài khoản của mình",
                "An admin cannot disable their own account",
            )
        await self.store.set_disabled(username, disabled)
        return officer.model_copy(update={"disabled": disabled})

    async def of_unit(self, unit: str) -> list[Officer]:
        return await self.store.of_unit(unit)
