"""Officer accounts (tài khoản cán bộ) and the login lock-out rule.

Decree 118/2025/NĐ-CP and Circular 03/2025/TT-VPCP assign the one-stop work to named
officers: the desk officer receives and returns, the specialist processes, the leader signs. The
control slip (Appendix I, form 06) names who held the dossier at each step, so every action needs
an authenticated officer of the unit; an account is the unit's (its admin creates and disables
it) and its `_id` is the officer id used in hand-overs and as the token's `sub`.

Lock-out: after `max_failures` wrong passwords in a row the account is locked for `lock_minutes`
(Decree 13/2023 and TCVN 11930:2017 ask for protection against password guessing). Pure rules;
no hashing and no I/O here.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel, Field

OFFICER_ROLES = ("desk", "specialist", "leader", "admin")
USERNAME_PATTERN = r"^[a-z0-9][a-z0-9.\-]{2,63}$"  # also a valid `to_officer_id` of a hand-over


class Officer(BaseModel):
    username: str
    unit: str
    roles: list[str]
    full_name: str
    email: str | None = None
    phone: str | None = None
    disabled: bool = False
    password_hash: str
    failed_logins: int = 0
    locked_until: datetime | None = None
    created_by: str | None = None
    created_at: datetime | None = None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 5
    lock_minutes: int = 15

    def after_failure(self, failures_in_a_row: int, now: datetime) -> datetime | None:
        """The lock's end once this many failures in a row are counted, or None."""
        if failures_in_a_row >= self.max_failures:
            return now + timedelta(minutes=self.lock_minutes)
        return None


class NewOfficer(BaseModel):
    """What a unit admin gives to create an account (the unit is the admin's own)."""

    username: str = Field(pattern=USERNAME_PATTERN)
    full_name: str
    roles: list[str]
    password: str
    email: str | None = None
    phone: str | None = None
