"""Reads another service's event log (`GET /api/v1/events`, shared event_log.py) page by page."""

from collections.abc import AsyncIterator
from typing import Any

import httpx


class EventLogClient:
    def __init__(
        self, name: str, base_url: str, token: str, *, page_size: int = 500, timeout: float = 30.0
    ) -> None:
        self.name, self.base_url, self.token = name, base_url.rstrip("/"), token
        self.page_size, self.timeout = page_size, timeout

    def _http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=self.timeout,
        )

    async def check(self) -> None:
        async with self._http() as http:
            (await http.get("/api/v1/events", params={"limit": 1})).raise_for_status()

    async def events(self) -> AsyncIterator[dict[str, Any]]:
        async with self._http() as http:
            after: str | None = None
            while True:
                params: dict[str, Any] = {"limit": self.page_size}
                if after:
                    params["after"] = after
                response = await http.get("/api/v1/events", params=params)
                response.raise_for_status()
                page = response.json()
                if not page["events"]:
                    return
                for event in page["events"]:
                    yield event
                after = page["next"]
