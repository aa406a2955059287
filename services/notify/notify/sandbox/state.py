"""What the sandbox remembers (in memory): per-phone behaviours, every request it got, the
access tokens it issued."""

import secrets
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from motcua_shared.vietnam.timeutil import utcnow


class Behaviour(BaseModel):
    """How the sandbox answers for one phone number (84…)."""

    zalo_error: int | None = Field(
        None, description="ZNS error code to answer, e.g. -118 (no Zalo account)"
    )
    zalo_http_errors: int = Field(0, ge=0, description="Answer HTTP 503 this many times first")
    sms_http_errors: int = Field(0, ge=0, description="Answer HTTP 503 this many times first")
    sms_refuse: str | None = Field(
        None, description="Refuse every SMS with HTTP 400 and this error"
    )
    delay_seconds: float = Field(0.0, ge=0, le=60, description="Hold each answer this long")


@dataclass
class Attempt:
    """One send request, accepted or not."""

    channel: str  # zalo | sms
    phone: str
    reference: str | None  # our message id: tracking_id (Zalo) / request_id (SMS)
    template_id: str | None = None
    template_data: dict[str, Any] | None = None
    text: str = ""  # what the citizen reads
    brandname: str | None = None
    sms_parts: int | None = None
    accepted: bool = False
    answer: str = "pending"
    provider_id: str | None = None
    delivered: bool = False
    at: datetime = field(default_factory=utcnow)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def view(self) -> dict[str, Any]:
        return asdict(self) | {"at": self.at.isoformat()}


class SandboxState:
    def __init__(self) -> None:
        self.behaviours: dict[str, Behaviour] = {}
        self.attempts: list[Attempt] = []
        self.oauth_requests: list[dict[str, str]] = []
        self.inbound: list[dict[str, str]] = []
        self._tokens: dict[str, float] = {}  # access token -> expiry (epoch seconds)
        self._used_refresh_tokens: set[str] = set()

    def behaviour(self, phone: str) -> Behaviour:
        return self.behaviours.setdefault(phone, Behaviour())

    def record(self, attempt: Attempt) -> Attempt:
        self.attempts.append(attempt)
        return attempt

    def accepted(self) -> list[Attempt]:
        return [a for a in self.attempts if a.accepted]

    def find(self, attempt_id: str) -> Attempt | None:
        return next((a for a in self.attempts if a.id == attempt_id), None)

    def sms_already_accepted(self, request_id: str | None) -> Attempt | None:
        if not request_id:
            return None
        return next(
            (
                a
                for a in self.attempts
                if a.channel == "sms" and a.accepted and a.reference == request_id
            ),
            None,
        )

    def issue_tokens(self, ttl: int) -> tuple[str, str]:
        access = "sbx-at-" + secrets.token_urlsafe(18)
        self._tokens[access] = time.time() + ttl
        return access, "sbx-rt-" + secrets.token_urlsafe(18)

    def use_refresh_token(self, refresh_token: str) -> bool:
        """Zalo refresh tokens are single-use. Any token not used before is accepted, so notify's
        stored token still works after the sandbox restarts."""
        if not refresh_token or refresh_token in self._used_refresh_tokens:
            return False
        self._used_refresh_tokens.add(refresh_token)
        return True

    def token_valid(self, access_token: str | None) -> bool:
        return access_token is not None and self._tokens.get(access_token, 0) > time.time()

    def revoke_tokens(self) -> None:
        self._tokens.clear()

    def reset(self) -> None:
        self.__dict__.update(vars(type(self)()))  # as new
