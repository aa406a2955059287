"""Prometheus metrics: one registry per app, `GET /metrics` in the text format, HTTP request
counts and latency by route template, and FastStream's middleware for the consumer broker.

A registry per app rather than prometheus_client's global one: tests build many apps in one
process, and each must count only its own traffic.
"""

import time
from collections.abc import Collection

from fastapi import APIRouter, Response
from faststream.rabbit.prometheus import RabbitPrometheusMiddleware
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

METRICS_PATH = "/metrics"
PREFIX = "motcua"


def new_registry() -> CollectorRegistry:
    """A fresh registry with the process, platform and GC collectors the global one has."""
    registry = CollectorRegistry()
    for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
        registry.register(collector)
    return registry


def metrics_router(registry: CollectorRegistry) -> APIRouter:
    router = APIRouter(tags=["ops"])

    # async on purpose: it runs on the event loop, so it never sees a gauge half refreshed.
    @router.get(METRICS_PATH, include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return router


def broker_metrics(registry: CollectorRegistry, service: str) -> RabbitPrometheusMiddleware:
    """FastStream's consumer/publisher metrics (motcua_broker_*), labelled app_name=<service>."""
    return RabbitPrometheusMiddleware(
        registry=registry, app_name=service, metrics_prefix=f"{PREFIX}_broker"
    )


class HttpMetrics:
    """Request counts and latency by method, route template (never the raw path: codes and
    tokens in paths would make a series per dossier) and status."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            f"{PREFIX}_http_requests_total",
            "HTTP requests answered",
            ["method", "route", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            f"{PREFIX}_http_request_duration_seconds",
            "Time to answer an HTTP request",
            ["method", "route"],
            registry=registry,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)


class HttpMetricsMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware): it only watches the response start go by."""

    def __init__(
        self, app: ASGIApp, metrics: HttpMetrics, skip_paths: Collection[str] = ()
    ) -> None:
        self.app, self.metrics, self.skip_paths = app, metrics, frozenset(skip_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.skip_paths:
            await self.app(scope, receive, send)
            return
        status = 500  # an exception that escapes becomes a 500 further out
        started = time.perf_counter()

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            # The router leaves the matched route in the scope; unmatched paths share one series.
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.observe(scope["method"], route, status, time.perf_counter() - started)
