"""API keys of provincial systems: created once (the key is shown only then), stored as an
HMAC-SHA256 of the key under a server secret, scoped to a province or a set of units."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from motcua_shared.vietnam.timeutil import Clock

from reporting.domain.scope import AccessScope

KEY_PREFIX = "mcr"


@dataclass(frozen=True)
class ApiKeyRecord:
    key_id: str
    name: str
    scope: AccessScope
    created_at: datetime
    revoked_at: datetime | None = None


class ApiKeyRepository(Protocol):
    async def insert(self, record: ApiKeyRecord, key_hash: str) -> None: ...
    async def find_by_hash(self, key_hash: str) -> ApiKeyRecord | None: ...
    async def all(self) -> list[ApiKeyRecord]: ...
    async def revoke(self, key_id: str, at: datetime) -> bool: ...


def hash_key(secret: str, key: str) -> str:
    return hmac.new(secret.encode(), key.encode(), hashlib.sha256).hexdigest()


class ApiKeys:
    def __init__(self, repository: ApiKeyRepository, secret: str, clock: Clock) -> None:
        self.repository, self.secret, self.clock = repository, secret, clock

    async def create(self, name: str, scope: AccessScope) -> tuple[ApiKeyRecord, str]:
        """Returns the record and the key itself, which is never stored."""
        if scope.province is None and not scope.units:
            raise ValueError("a key needs a province or at least one unit")
        key_id = secrets.token_hex(4)
        key = f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(24)}"
        record = ApiKeyRecord(key_id, name, scope, self.clock())
        await self.repository.insert(record, hash_key(self.secret, key))
        return record, key

    async def authenticate(self, key: str) -> ApiKeyRecord | None:
        """The key's record if the key is known and not revoked."""
        record = await self.repository.find_by_hash(hash_key(self.secret, key))
        return record if record is not None and record.revoked_at is None else None

    async def list(self) -> list[ApiKeyRecord]:
        return await self.repository.all()

    async def revoke(self, key_id: str) -> bool:
        return await self.repository.revoke(key_id, self.clock())
