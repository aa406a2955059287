"""Reads intake's event log (`GET /api/v1/events`, motcua_shared.event_log) page by page, with a
`system` token: for `notify-order-baseline` (app/order_baseline.py)."""

from collections.abc import AsyncIterator
from typing import Any

import httpx


async def event_pages(
    base_url: str, token: str, *, page_size: int = 500, timeout: float = 30.0
) -> AsyncIterator[list[dict[str, Any]]]:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(
        base_url=base_url.rstrip("/"), headers=headers, timeout=timeout
    ) as http:
        after: str | None = None
        while True:
            params: dict[str, Any] = {"limit": page_size} | ({"after": after} if after else {})
            response = await http.get("/api/v1/events", params=params)
            response.raise_for_status()
            page = response.json()
            if not page["events"]:
                return
            yield page["events"]
            after = page["next"]
