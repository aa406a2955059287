"""HTTP clients of intake, reporting and survey (app/ports.py's ServiceApi), called with the
officer's own token (the desk never opens another service's database; each service checks the
token and the unit itself). An answer of 4xx becomes `ServiceRefused` carrying the service's
Vietnamese message, which the page shows as it is; a service that does not answer becomes
`ServiceDown`."""

from typing import Any

import httpx

from desk.app.ports import ServiceDown, ServiceRefused


class ServiceClient:
    def __init__(self, name: str, base_url: str, timeout: float) -> None:
        self.name = name
        self.http = httpx.AsyncClient(base_url=base_url, timeout=timeout)

    async def close(self) -> None:
        await self.http.aclose()

    async def request(
        self,
        method: str,
        path: str,
        token: str | None = None,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        try:
            response = await self.http.request(method, path, json=json, params=params, headers=sent)
        except httpx.HTTPError as exc:
            raise ServiceDown(self.name) from exc
        if response.status_code >= 500:
            raise ServiceDown(self.name)
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {}
            raise ServiceRefused(response.status_code, body if isinstance(body, dict) else {})
        return response

    async def ping(self) -> None:
        """Readiness: the service answers its own liveness route."""
        (await self.http.get("/healthz", timeout=2)).raise_for_status()

    async def get(self, path: str, token: str | None = None, **params: Any) -> Any:
        return (
            await self.request(
                "GET", path, token, params={k: v for k, v in params.items() if v is not None}
            )
        ).json()

    async def post(self, path: str, token: str | None = None, body: Any = None) -> Any:
        return (
            await self.request("POST", path, token, json=body if body is not None else {})
        ).json()
