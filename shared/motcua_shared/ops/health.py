"""Liveness and readiness, the two paths deploy/ probes.

`GET /healthz` answers 200 as long as the event loop answers; it checks nothing else, so a
slow database never gets a healthy process restarted. `GET /readyz` runs the service's checks
(MongoDB `ping`, the RabbitMQ connection), each bounded in time, and answers 200 only when all
pass, 503 otherwise, with each check's status in the body. Until the lifespan has given the
checks (or after it has taken them back at shutdown) the service is not ready.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from faststream.rabbit import RabbitBroker
from pymongo import AsyncMongoClient

log = logging.getLogger(__name__)

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"
CHECK_TIMEOUT_SECONDS = 2.0  # well under a probe's usual timeout, so the probe gets an answer

# A check passes when it returns anything but False and raises nothing within the timeout.
Check = Callable[[], Awaitable[object]]


class Readiness:
    def __init__(self, timeout: float = CHECK_TIMEOUT_SECONDS) -> None:
        self.timeout = timeout
        self._checks: dict[str, Check] = {}
        self._failing: set[str] = set()

    def use(self, checks: Mapping[str, Check]) -> None:
        self._checks = dict(checks)

    def clear(self) -> None:
        self._checks = {}

    async def run(self) -> tuple[bool, dict[str, dict[str, str]]]:
        names = list(self._checks)
        results = await asyncio.gather(*(self._run_one(name, self._checks[name]) for name in names))
        statuses = dict(zip(names, results, strict=True))
        ready = bool(statuses) and all(s["status"] == "up" for s in statuses.values())
        return ready, statuses

    async def _run_one(self, name: str, check: Check) -> dict[str, str]:
        try:
            async with asyncio.timeout(self.timeout):
                passed = await check()
            status = (
                {"status": "up"}
                if passed is not False
                else {"status": "down", "error": "not connected"}
            )
        except TimeoutError:
            status = {"status": "down", "error": f"no answer within {self.timeout:g} s"}
        except Exception as exc:  # the body names the kind of failure only: the route is public
            status = {"status": "down", "error": type(exc).__name__}
        self._log_change(name, status)
        return status

    def _log_change(self, name: str, status: dict[str, str]) -> None:
        """Once when a check starts failing and once when it passes again, not at every probe."""
        if status["status"] == "down" and name not in self._failing:
            self._failing.add(name)
            log.warning("not ready: %s is down (%s)", name, status["error"])
        elif status["status"] == "up" and name in self._failing:
            self._failing.discard(name)
            log.info("%s is up again", name)


def liveness_router() -> APIRouter:
    """/healthz alone, for a process with nothing to be ready for (notify's sandbox gateway)."""
    router = APIRouter(tags=["ops"])

    @router.get(LIVENESS_PATH, include_in_schema=False)
    async def liveness() -> dict[str, str]:
        return {"status": "ok"}

    return router


def health_router(readiness: Readiness) -> APIRouter:
    router = liveness_router()

    @router.get(READINESS_PATH, include_in_schema=False)
    async def readiness_check() -> JSONResponse:
        ready, checks = await readiness.run()
        body: dict[str, Any] = {"status": "ready" if ready else "not_ready", "checks": checks}
        return JSONResponse(body, status_code=200 if ready else 503)

    return router


def mongo_ping(client: AsyncMongoClient) -> Check:
    async def ping() -> object:
        return await client.admin.command("ping")

    return ping


def broker_ping(broker: RabbitBroker) -> Check:
    """A consumer's own connection: what matters is that this service still receives events."""

    async def ping() -> bool:
        return await broker.ping(timeout=CHECK_TIMEOUT_SECONDS / 2)

    return ping
