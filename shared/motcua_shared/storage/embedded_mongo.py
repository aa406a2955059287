"""The embedded default MongoDB: a SecantusDB Mongo-wire server (WiredTiger) as a subprocess.

Used by the dev runner and by the test fixtures when no MONGODB_URL is given and no Docker
engine answers. Production uses a real MongoDB replica set (deploy/).

Its clients do not use retryable writes (`embedded_url`). SecantusDB 0.7.0b3 keeps a record of
every retryable write for 30 minutes, up to 10,000, and walks them on each write, sorting them
once past 10,000: a single write went from 1.0 to 6.3 ms after 10,000 of them, and stays at
0.7 ms without (`bench/retryable_writes.py`): a cost that grew with the length of a run. On one
local server there is no fail-over for a retried write to ride out; transactions' commits are
still retried (pymongo's `with_transaction`), and a real MongoDB keeps retryable writes on.

The dev runner runs one server per service (`service_servers`), as each service owns its
database; the test fixtures share one. SecantusDB is one Python process: its Python code runs on
one core at a time, and one server shared by the four services pays for their requests' threads
contending for it. Measured with `bench/end_to_end.py -n 200 -c 10` on 3 December 2026, same
machine and hour: one shared server spent 61-65 ms of CPU per dossier (a fifth of it in the
kernel) and held the system to 13.0-13.4 dossiers/s; four servers spent 40-43 ms between them,
and the system did 20.7-22.9 dossiers/s (docs/scaling.md §6). A real MongoDB uses every core; a
service may still be given its own (`<SERVICE>_MONGODB_URL`).
"""

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from pymongo import MongoClient


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def embedded_url(port: int) -> str:
    """The connection string of the embedded server on `port` (without retryable writes)."""
    return f"mongodb://127.0.0.1:{port}/?retryWrites=false"


SERVICES = ("intake", "notify", "survey", "reporting")  # each with its own database
LEGACY_STORE_MARK = "WiredTiger"  # at the top of a folder that holds one server's store


def service_servers(first_port: int, root: Path) -> dict[str, tuple[int, Path]]:
    """Each service's embedded server: its port (from `first_port` on) and its folder under
    `root`. A `root` that already holds one shared server's store (an installation from before
    this layout) keeps it, shared by every service, so no data is left behind."""
    if (root / LEGACY_STORE_MARK).exists():
        return {service: (first_port, root) for service in SERVICES}
    return {service: (first_port + i, root / service) for i, service in enumerate(SERVICES)}


def service_urls(servers: dict[str, tuple[int, Path]]) -> dict[str, str]:
    """Each service's connection string to its server."""
    return {service: embedded_url(port) for service, (port, _) in servers.items()}


def secantus_command(storage_path: Path, port: int) -> list[str]:
    exe = shutil.which("secantusd-py") or str(Path(sys.executable).with_name("secantusd-py"))
    return [
        exe,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--storage-path",
        str(storage_path),
        "--log-level",
        "WARNING",
    ]


def wait_for_mongo(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with MongoClient[dict[str, Any]](url, serverSelectionTimeoutMS=500) as client:
                client.admin.command("ping")
                return
        except Exception as exc:
            if time.monotonic() > deadline:
                raise RuntimeError(f"no MongoDB answered at {url} within {timeout:.0f}s") from exc
            time.sleep(0.2)


class EmbeddedMongo:
    """Start a SecantusDB server on a free port; `url` is its connection string."""

    def __init__(self, storage_path: Path, port: int | None = None) -> None:
        self.storage_path = storage_path
        self.port = port or free_port()
        self.url = embedded_url(self.port)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "EmbeddedMongo":
        self.storage_path.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(secantus_command(self.storage_path, self.port))
        wait_for_mongo(self.url)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
