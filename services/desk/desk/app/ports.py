"""What the desk's pages need from intake, reporting and survey: one HTTP API each, called with
the officer's own token (adapters/services.py implements it). A service that says no becomes
`ServiceRefused`, carrying its Vietnamese message, which the page shows as it is; a service that
does not answer becomes `ServiceDown`."""

from collections.abc import Mapping
from typing import Any, Protocol


class ServiceRefused(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        self.status, self.body = status, body
        self.message = str(body.get("message") or "Yêu cầu không hợp lệ")
        reasons = [
            f"{e.get('field', '')}: {e['reason']}"
            for e in body.get("errors") or []
            if e.get("reason") and e["reason"] != self.message
        ]
        super().__init__(self.message)
        self.details = reasons


class ServiceDown(Exception):
    def __init__(self, service: str) -> None:
        self.service = service
        super().__init__(f"{service} did not answer")


class Answer(Protocol):
    """A service's answer, passed on as it is (a report file, a look-up result)."""

    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def content(self) -> bytes: ...

    def json(self) -> Any: ...


class ServiceApi(Protocol):
    """One service's HTTP API."""

    async def request(
        self,
        method: str,
        path: str,
        token: str | None = None,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer: ...

    async def get(self, path: str, token: str | None = None, **params: Any) -> Any: ...

    async def post(self, path: str, token: str | None = None, body: Any = None) -> Any: ...
