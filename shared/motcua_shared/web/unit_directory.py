"""Which units exist, for refusing a bearer token of a unit nobody created.

Intake owns the units (its catalogue, Decree 118/2025/NĐ-CP: the one-stop desk of each
commune-level unit); it checks its own collection. The other services learn the list from
intake's public `GET /api/v1/units` (setting MOTCUA_UNITS_URL) and keep it for `ttl` seconds;
an unknown code triggers one early refresh (a unit created a moment ago), at most every
`min_refresh` seconds, so a flood of forged units cannot turn into a flood of requests. When the
list has never been learned the answer is 503: the check fails closed.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

import httpx

from motcua_shared.web.api_errors import ApiError

log = logging.getLogger("motcua.units")
Loader = Callable[[], Awaitable[set[str]]]


class UnitDirectory:
    def __init__(self, load: Loader, *, ttl: float = 300.0, min_refresh: float = 10.0) -> None:
        self._load, self.ttl, self.min_refresh = load, ttl, min_refresh
        self._codes: set[str] | None = None
        self._loaded_at = float("-inf")
        self._lock = asyncio.Lock()

    async def __call__(self, unit: str) -> bool:
        age = time.monotonic() - self._loaded_at
        if (
            self._codes is None
            or age > self.ttl
            or (unit not in self._codes and age > self.min_refresh)
        ):
            await self._refresh()
        if self._codes is None:
            raise ApiError(
                503,
                "units_unavailable",
                "Chưa lấy được danh sách đơn vị, vui lòng thử lại",
                "The unit list is not available yet; try again",
                headers={"Retry-After": "5"},
            )
        return unit in self._codes

    async def _refresh(self) -> None:
        async with self._lock:
            if time.monotonic() - self._loaded_at <= self.min_refresh:
                return  # another request refreshed it meanwhile
            try:
                self._codes = await self._load()
            except Exception as exc:  # keep the last list; fail closed only when there is none
                log.warning("could not refresh the unit list: %s", exc)
            self._loaded_at = time.monotonic()


def http_units(url: str, timeout: float = 5.0) -> Loader:
    """Intake's public unit list: a JSON array of units, each with its `code`."""

    async def load() -> set[str]:
        async with httpx.AsyncClient(timeout=timeout) as client:
            response = await client.get(url)
            response.raise_for_status()
            return {unit["code"] for unit in response.json()}

    return load


def unit_directory(units_url: str) -> UnitDirectory | None:
    """The directory the settings ask for; None (no check) when MOTCUA_UNITS_URL is empty."""
    if not units_url:
        log.warning("MOTCUA_UNITS_URL is empty: tokens of unknown units are not refused")
        return None
    return UnitDirectory(http_units(units_url))
