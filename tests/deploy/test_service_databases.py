"""Each service's database on its own server: a service reads its own `<SERVICE>_MONGODB_URL`
before the shared MONGODB_URL, and the dev runner's `scripts/embedded_mongo.py` starts one
embedded server per service (a folder from the one-server layout keeps its store, shared)."""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import ExitStack

import pytest
from pymongo import MongoClient

from motcua_shared.storage.embedded_mongo import SERVICES, service_servers

from .conftest import REPO

WRAPPER = REPO / "scripts" / "embedded_mongo.py"


def test_a_services_own_server_comes_before_the_shared_one(app_service, monkeypatch) -> None:
    own = f"{app_service.name.upper()}_MONGODB_URL"
    monkeypatch.setenv("MONGODB_URL", "mongodb://shared.example:27017/")
    assert app_service.settings().mongodb_url == "mongodb://shared.example:27017/"
    monkeypatch.setenv(own, "mongodb://own.example:27017/")
    assert app_service.settings().mongodb_url == "mongodb://own.example:27017/"


def test_a_folder_from_the_one_server_layout_stays_shared(tmp_path) -> None:
    fresh = service_servers(27717, tmp_path / "fresh")
    assert [port for port, _ in fresh.values()] == [27717, 27718, 27719, 27720]
    assert [folder.name for _, folder in fresh.values()] == list(SERVICES)
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "WiredTiger").write_text("WiredTiger\n")
    assert set(service_servers(27717, tmp_path / "old").values()) == {(27717, tmp_path / "old")}


def consecutive_free_ports(count: int) -> int:
    """The first of `count` ports in a row that nothing listens on."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        with ExitStack() as held:
            try:
                for port in range(first, first + count):
                    sock = held.enter_context(socket.socket())
                    sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        return first
    raise RuntimeError(f"no {count} free ports in a row")


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_the_dev_runner_starts_one_server_per_service_and_stops_them(tmp_path) -> None:
    first = consecutive_free_ports(len(SERVICES))
    printed = subprocess.run(
        [sys.executable, str(WRAPPER), "--env", str(first), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    urls = dict(line.split("=", 1) for line in printed.splitlines())
    assert list(urls) == [f"{service.upper()}_MONGODB_URL" for service in SERVICES]
    # A grace far longer than the test: the runner must stop on its clients leaving, not on it.
    env = os.environ | {"EMBEDDED_MONGO_STOP_GRACE": "120"}
    runner = subprocess.Popen([sys.executable, str(WRAPPER), str(first), str(tmp_path)], env=env)
    clients = [MongoClient(url, serverSelectionTimeoutMS=30_000) for url in urls.values()]
    try:
        for index, client in enumerate(clients):
            client.probe.marks.insert_one({"_id": index})
        # Four stores: each server holds only what was written to it.
        assert [client.probe.marks.distinct("_id") for client in clients] == [[0], [1], [2], [3]]
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(SERVICES)
        runner.send_signal(signal.SIGTERM)
        # A service still connected (stopping, say) keeps its server until it lets go: the
        # servers answer on, well past the runner's reaction to the signal (0.2 s).
        until = time.monotonic() + 2
        while time.monotonic() < until:
            for client in clients:
                client.admin.command("ping")
            time.sleep(0.1)
        assert runner.poll() is None
    finally:
        for client in clients:
            client.close()
        runner.send_signal(signal.SIGTERM)
    runner.wait(timeout=60)
    deadline = time.monotonic() + 15
    while any(listening(port) for port in range(first, first + len(SERVICES))):
        if time.monotonic() > deadline:
            pytest.fail("an embedded server still listens after the runner stopped")
        time.sleep(0.1)
