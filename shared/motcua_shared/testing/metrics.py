"""Reading a service's /metrics in tests: parse the Prometheus text and pick one sample."""

from collections.abc import Callable

import httpx
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families

from motcua_shared.testing.plugin import eventually


def sample(text: str, name: str, **labels: str) -> float | None:
    """The sum of the samples `name` whose labels include `labels` (as PromQL's sum() would
    give), or None if there is none."""
    values = [
        s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == name and labels.items() <= s.labels.items()
    ]
    return sum(values) if values else None


async def scrape(http: httpx.AsyncClient, name: str, **labels: str) -> float | None:
    response = await http.get("/metrics")
    response.raise_for_status()
    return sample(response.text, name, **labels)


async def metric_becomes(
    http: httpx.AsyncClient,
    name: str,
    wanted: Callable[[float | None], bool],
    timeout: float = 15.0,
    **labels: str,
) -> float | None:
    """Scrape until the sample satisfies `wanted` (gauges are refreshed in the background)."""
    last: list[float | None] = []

    async def check() -> bool:
        last[:] = [await scrape(http, name, **labels)]
        return wanted(last[0])

    try:
        await eventually(check, timeout=timeout)
    except AssertionError:
        raise AssertionError(f"{name}{labels or ''} stayed at {last[0]!r}") from None
    return last[0]


async def refreshed(
    app: FastAPI, http: httpx.AsyncClient, name: str, **labels: str
) -> float | None:
    """Refresh the app's gauges now (instead of waiting for the next round), then scrape."""
    await app.state.ops.gauges.refresh_all()
    return await scrape(http, name, **labels)
