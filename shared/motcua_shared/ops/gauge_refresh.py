"""Gauges that need a database or broker query, refreshed in the background.

Why a periodic refresh rather than a query at scrape time: the load on MongoDB and RabbitMQ is
one round of queries per interval however many Prometheus servers scrape and however often,
and a scrape never waits on a slow database (it reads the last values). The price is values up
to one interval old, which `motcua_metrics_refreshed_timestamp_seconds` makes visible.

A source that fails keeps its last values; it is logged once when it starts failing and once
when it works again (not at every round), and `motcua_metrics_refresh_failures_total` counts.
"""

import asyncio
import logging
import time
from collections.abc import Iterable, Iterator
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Gauge
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from motcua_shared.ops.background_tasks import stop_tasks

log = logging.getLogger(__name__)


class GaugeSource(Protocol):
    """Gauges made unregistered (registry=None) and a query that sets them."""

    name: str

    def collect(self) -> Iterable[Metric]: ...

    async def refresh(self) -> None: ...


class GaugeRefresher(Collector):
    """Registered once in the app's registry; sources are attached when the lifespan has their
    connections and detached at shutdown, so a lifespan can run again on the same registry."""

    def __init__(self, registry: CollectorRegistry, interval: float) -> None:
        self.interval = interval
        self.timeout = max(
            interval, 1.0
        )  # one slow source cannot hold the next round back for long
        self.sources: list[GaugeSource] = []
        self._failing: set[str] = set()
        self._task: asyncio.Task[None] | None = None
        self.failures = Counter(
            "motcua_metrics_refresh_failures_total",
            "Rounds in which a gauge source could not be refreshed",
            ["source"],
            registry=registry,
        )
        self.refreshed = Gauge(
            "motcua_metrics_refreshed_timestamp_seconds",
            "When a gauge source was last refreshed (Unix time)",
            ["source"],
            registry=registry,
        )
        registry.register(self)

    def collect(self) -> Iterator[Metric]:
        for source in list(self.sources):
            yield from source.collect()

    def attach(self, *sources: GaugeSource) -> None:
        self.sources.extend(sources)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="gauge-refresh")

    async def stop(self) -> None:
        await stop_tasks(self._task)
        self._task = None
        self.sources.clear()

    async def refresh_all(self) -> None:
        """One round: every source, side by side, each bounded by the timeout."""
        await asyncio.gather(*(self._refresh(source) for source in list(self.sources)))

    async def _run(self) -> None:
        while True:
            await self.refresh_all()
            await asyncio.sleep(self.interval)

    async def _refresh(self, source: GaugeSource) -> None:
        try:
            async with asyncio.timeout(self.timeout):
                await source.refresh()
        except Exception as exc:  # never let a metric take the service down
            self.failures.labels(source.name).inc()
            if source.name not in self._failing:
                self._failing.add(source.name)
                log.warning(
                    "metrics: cannot refresh %s (%s: %s); keeping its last values, "
                    "retrying every %g s",
                    source.name,
                    type(exc).__name__,
                    exc,
                    self.interval,
                )
            return
        self.refreshed.labels(source.name).set(time.time())
        if source.name in self._failing:
            self._failing.discard(source.name)
            log.info("metrics: %s refreshed again", source.name)
