"""HTTP calls that survive the faults the run causes, without doing anything twice.

A call either never reached the service (connection refused: `NotSent`, safe to repeat) or its
outcome is unknown (connection dropped after sending, a 5xx: `Unknown`). Intake has no
idempotency key for a receipt, so after an unknown outcome the caller asks intake's state
whether it happened before repeating: a receipt by its correlation id in intake's event log
(written in the same transaction as the dossier), a lifecycle step by the dossier's version.
"""

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx

T = TypeVar("T")
RETRY_PAUSE = 0.5
GIVE_UP_AFTER = 300.0  # longer than any outage the run causes


class NotSent(Exception):
    """The request never reached the service; repeating it is safe."""


class Unknown(Exception):
    """The request may or may not have been applied."""


class Unexpected(Exception):
    """An answer the journey did not expect: a real error, counted and reported."""

    def __init__(self, what: str, response: httpx.Response) -> None:
        super().__init__(f"{what}: {response.status_code} {response.text[:300]}")
        self.status = response.status_code


async def attempt(
    client: httpx.AsyncClient, method: str, url: str, **kwargs: Any
) -> httpx.Response:
    try:
        response = await client.request(method, url, **kwargs)
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        raise NotSent(str(exc)) from exc
    except httpx.TransportError as exc:  # read error, dropped connection, timeout after sending
        raise Unknown(f"{type(exc).__name__}: {exc}") from exc
    if response.status_code >= 500:
        raise Unknown(f"HTTP {response.status_code}")
    return response


async def until_done(call: Callable[[], Awaitable[T]], tally: Counter, what: str) -> T:
    """Repeat an idempotent call (a read) until the service answers."""
    deadline = time.monotonic() + GIVE_UP_AFTER
    while True:
        try:
            return await call()
        except (NotSent, Unknown):
            tally[f"{what}: repeated while the service was away"] += 1
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(RETRY_PAUSE)


class ReceiptIndex:
    """Correlation id → dossier code, read from intake's event log (first event of a dossier)."""

    def __init__(
        self, intake: httpx.AsyncClient, system_headers: dict[str, str], tally: Counter
    ) -> None:
        self.intake, self.headers, self.tally = intake, system_headers, tally
        self.codes: dict[str, str] = {}
        self.after: str | None = None
        self.lock = asyncio.Lock()

    async def code_for(self, correlation_id: str) -> str | None:
        async with self.lock:
            async for event in event_log(
                self.intake, self.headers, self.tally, after=self.after, keep=self
            ):
                if event["aggregate_version"] == 1:
                    self.codes[event["correlation_id"]] = event["aggregate_id"]
        return self.codes.get(correlation_id)


async def event_log(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    tally: Counter,
    after: str | None = None,
    keep: Any = None,
):
    """Every event of a service's event log after `after`, in write order (pages of 1000).
    `keep`, if given, gets `.after` set to the position reached."""
    while True:
        params = {"limit": 1000} | ({"after": after} if after else {})

        async def page(params: dict[str, Any] = params) -> httpx.Response:
            return await attempt(client, "GET", "/api/v1/events", params=params, headers=headers)

        response = await until_done(page, tally, "event log read")
        if response.status_code != 200:
            raise Unexpected("event log", response)
        body = response.json()
        for event in body["events"]:
            yield event
        if not body["events"]:
            return
        after = body["next"]
        if keep is not None:
            keep.after = after


class IntakeDesk:
    """The desk's calls to intake, each applied exactly once whatever the faults."""

    def __init__(
        self, intake: httpx.AsyncClient, system_headers: dict[str, str], tally: Counter
    ) -> None:
        self.intake, self.tally = intake, tally
        self.receipts = ReceiptIndex(intake, system_headers, tally)

    async def receive(
        self, body: dict[str, Any], headers: dict[str, str], correlation_id: str
    ) -> dict[str, Any]:
        headers = headers | {"X-Correlation-ID": correlation_id}
        deadline = time.monotonic() + GIVE_UP_AFTER
        while time.monotonic() < deadline:
            try:
                response = await attempt(
                    self.intake, "POST", "/api/v1/dossiers", json=body, headers=headers
                )
            except NotSent:
                self.tally["receive: not sent, repeated"] += 1
                await asyncio.sleep(RETRY_PAUSE)
                continue
            except Unknown:
                self.tally["receive: outcome unknown"] += 1
                code = await self.receipts.code_for(correlation_id)
                if code is not None:
                    self.tally["receive: outcome unknown, found in intake's log"] += 1
                    return await self.dossier(code, headers)
                self.tally["receive: outcome unknown, not in intake's log, repeated"] += 1
                continue
            if response.status_code != 201:
                raise Unexpected("receive", response)
            return response.json()
        raise TimeoutError(f"receipt {correlation_id} not done within {GIVE_UP_AFTER}s")

    async def act(
        self,
        code: str,
        action: str,
        body: dict[str, Any] | None,
        headers: dict[str, str],
        version: int,
    ) -> dict[str, Any]:
        """A lifecycle step on a dossier at `version`; only this driver acts on it, so a higher
        version after an unknown outcome means the step was applied."""
        deadline = time.monotonic() + GIVE_UP_AFTER
        while time.monotonic() < deadline:
            try:
                response = await attempt(
                    self.intake,
                    "POST",
                    f"/api/v1/dossiers/{code}/{action}",
                    json=body,
                    headers=headers,
                )
            except NotSent:
                self.tally[f"{action}: not sent, repeated"] += 1
                await asyncio.sleep(RETRY_PAUSE)
                continue
            except Unknown:
                self.tally[f"{action}: outcome unknown"] += 1
                dossier = await self.dossier(code, headers)
                if dossier["version"] > version:
                    self.tally[f"{action}: outcome unknown, found applied"] += 1
                    return dossier
                continue
            if response.status_code != 200:
                raise Unexpected(f"{action} {code}", response)
            return response.json()
        raise TimeoutError(f"{action} on {code} not done within {GIVE_UP_AFTER}s")

    async def dossier(self, code: str, headers: dict[str, str]) -> dict[str, Any]:
        async def read() -> httpx.Response:
            return await attempt(self.intake, "GET", f"/api/v1/dossiers/{code}", headers=headers)

        response = await until_done(read, self.tally, "dossier read")
        if response.status_code != 200:
            raise Unexpected(f"read {code}", response)
        return response.json()


async def answer_at_kiosk(
    survey: httpx.AsyncClient, code: str, level: str, headers: dict[str, str], tally: Counter
) -> None:
    """The desk keys the citizen's answer. 404 until survey has opened it (it consumes the
    return asynchronously); 409 after an unknown outcome means our earlier answer landed."""
    deadline = time.monotonic() + GIVE_UP_AFTER * 2
    unknown_before = False
    while time.monotonic() < deadline:
        try:
            response = await attempt(
                survey,
                "POST",
                f"/api/v1/kiosk/dossiers/{code}/answer",
                json={"level": level},
                headers=headers,
            )
        except NotSent:
            tally["kiosk answer: not sent, repeated"] += 1
            await asyncio.sleep(RETRY_PAUSE)
            continue
        except Unknown:
            tally["kiosk answer: outcome unknown"] += 1
            unknown_before = True
            continue
        if response.status_code == 201:
            return
        if response.status_code == 409 and unknown_before:
            tally["kiosk answer: outcome unknown, found answered"] += 1
            return
        if response.status_code == 404:
            await asyncio.sleep(1.0)  # survey has not consumed the return yet
            continue
        raise Unexpected(f"kiosk answer {code}", response)
    raise TimeoutError(f"no survey opened for {code} within {GIVE_UP_AFTER * 2}s")
