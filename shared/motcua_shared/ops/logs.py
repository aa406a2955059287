"""JSON logging with a correlation id that follows a dossier through every service.

Every line is masked: phone numbers and CCCD numbers never reach a log in full.
"""

import contextvars
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from motcua_shared.vietnam.privacy import mask_text

correlation_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "correlation_id", default=None
)


@contextmanager
def correlation(correlation_id: str | None) -> Iterator[None]:
    token = correlation_id_var.set(correlation_id)
    try:
        yield
    finally:
        correlation_id_var.reset(token)


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "msg": mask_text(record.getMessage()),
            "correlation_id": correlation_id_var.get(),
        }
        if record.exc_info:
            line["exc"] = mask_text(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False)


class DropQueryStrings(logging.Filter):
    """Cuts `?…` off the path of uvicorn's access records ('%s - "%s %s HTTP/%s" %d'): query
    strings carry things like the public look-up's phone digits, which a log must not keep."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


class DropPaths(logging.Filter):
    """Drops uvicorn's access records for `paths`: probes and scrapes every few seconds would
    bury the requests people make."""

    def __init__(self, paths: frozenset[str]) -> None:
        super().__init__()
        self.paths = paths

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            return args[2].split("?", 1)[0] not in self.paths
        return True


def quiet_access_log(paths: frozenset[str]) -> None:
    """Idempotent: each app built (tests build many) would otherwise add another filter."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, DropPaths) and f.paths == paths for f in access.filters):
        access.addFilter(DropPaths(paths))


def configure_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("uvicorn.access").addFilter(DropQueryStrings())
