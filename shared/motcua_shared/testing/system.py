"""The whole system as real processes, for end-to-end tests, fault runs and benchmarks.

Each run gets its own exchange and databases, so it never meets a running system's messages.
Two ways to start it:
- `start()`: one process per service, so a fault run can SIGKILL and restart a single service
  (`kill`, `restart`);
- `start_supervised()`: the six processes (sandbox, four services, desk) under honcho with
the root Procfile, the supervisor
  the README's run command uses (`scripts/run.sh`), for end-to-end journeys.
`System.stop()` ends them all and `drop()` removes the run's queues and databases.

`create(..., replicas={"intake": 2, "notify": 2})` runs a service as several processes
(`intake-1`, `intake-2`, each on its own port, each killable on its own) behind one TCP front
on the service's usual address (`motcua_shared.testing.front`, the Kubernetes Service's part),
so the other services, the sandboxes and the test reach "intake" as before.

With `clock_control=True` every process runs under libfaketime reading its offset from a file,
so a test can move the whole system's clock (`shift_clock`): a dossier received weeks ago,
resolved today, is late without any test-only switch in the services.
"""

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx

from motcua_shared.storage.embedded_mongo import SERVICES, free_port
from motcua_shared.testing.front import TcpFront
from motcua_shared.testing.proc_sockets import open_socket_inodes, socket_inodes
from motcua_shared.testing.system_env import CLOCK_FILE, faketime_env, system_env
from motcua_shared.web.auth import mint_token

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[3]  # the checkout: Procfile, .venv (installed editable)
COMMANDS = {
    "sandbox": "notify-sandbox",
    "intake": "intake-service",
    "notify": "notify-service",
    "survey": "survey-service",
    "reporting": "reporting-service",
    "payments": "payment-sandbox",
    "desk": "desk-service",
}
CONSUMERS = ("notify", "survey", "reporting")
PORT_SETTING = {
    "intake": "INTAKE_PORT",
    "notify": "NOTIFY_PORT",
    "survey": "SURVEY_PORT",
    "reporting": "REPORTING_PORT",
}


@dataclass
class System:
    urls: dict[str, str]
    env: dict[str, str]
    logs: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    supervisor: subprocess.Popen | None = None  # honcho, when started with start_supervised()
    clock_offset: timedelta = timedelta(0)
    replicas: dict[str, int] = field(
        default_factory=dict
    )  # service → processes, when more than one
    fronts: dict[str, TcpFront] = field(default_factory=dict)
    ready_timeout: float = 60.0  # seconds a process may take to answer once started

    @classmethod
    def create(
        cls,
        amqp_url: str,
        mongodb_url: str,
        logs: Path,
        *,
        clock_control: bool = False,
        replicas: dict[str, int] | None = None,
        **overrides: str,
    ) -> "System":
        run_id = uuid.uuid4().hex[:8]
        ports = {name: free_port() for name in COMMANDS}
        urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        env = system_env(amqp_url, mongodb_url, run_id, ports)
        if clock_control:
            (logs / CLOCK_FILE).write_text("+0\n")
            env |= faketime_env(logs / CLOCK_FILE)
        several = {name: count for name, count in (replicas or {}).items() if count > 1}
        if unknown := set(several) - set(PORT_SETTING):
            raise ValueError(
                f"only {', '.join(PORT_SETTING)} run as replicas, not {sorted(unknown)}"
            )
        for name, count in several.items():
            for number in range(1, count + 1):
                urls[f"{name}-{number}"] = f"http://127.0.0.1:{free_port()}"
        return cls(urls, env | overrides, logs, replicas=several)

    def replica_names(self, service: str) -> list[str]:
        """The processes of a service: ["intake"], or ["intake-1", "intake-2"] with replicas."""
        count = self.replicas.get(service, 1)
        return [service] if count == 1 else [f"{service}-{n}" for n in range(1, count + 1)]

    def _process_env(self, name: str) -> dict[str, str]:
        service, _, number = name.rpartition("-")
        if number.isdigit() and service in self.replicas:
            return self.env | {PORT_SETTING[service]: str(self.urls[name].rpartition(":")[2])}
        return self.env

    def _front(self, service: str) -> None:
        """The service's usual address, in front of its replicas (started once)."""
        if service in self.fronts:
            return
        backends = [
            ("127.0.0.1", int(self.urls[n].rpartition(":")[2])) for n in self.replica_names(service)
        ]
        port = int(self.urls[service].rpartition(":")[2])
        self.fronts[service] = TcpFront(backends, "round_robin", port=port).start()

    @property
    def exchange(self) -> str:
        return self.env["MOTCUA_EXCHANGE"]

    def db_name(self, service: str) -> str:
        return self.env[f"{service.upper()}_DB_NAME"]

    def token(self, sub: str, unit: str, *roles: str) -> dict[str, str]:
        """An officer's bearer header, issued at the system's current time (see shift_clock)."""
        issued_at = datetime.now(UTC) + self.clock_offset
        return {
            "Authorization": "Bearer "
            + mint_token(self.env["JWT_SECRET"], sub, unit, list(roles), issued_at=issued_at)
        }

    def run(self, command: str, *args: str) -> subprocess.CompletedProcess:
        """Run one of the project's console scripts (e.g. reporting-rebuild) with the run's env."""
        return subprocess.run(
            [str(BIN / command), *args], env=self.env, capture_output=True, text=True, timeout=300
        )

    def start(self, *names: str) -> None:
        """Start the named processes (all when none are named; a replicated service's name
        means all its replicas, `intake-2` one of them) and wait until they answer."""
        wanted = [
            replica
            for name in names or tuple(COMMANDS)
            for replica in (self.replica_names(name) if name in COMMANDS else [name])
        ]
        for name in wanted:
            log = open(self.logs / f"{name}.log", "a")
            command = COMMANDS[name.rpartition("-")[0] if name not in COMMANDS else name]
            self.processes[name] = subprocess.Popen(
                [str(BIN / command)],
                env=self._process_env(name),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        for name in wanted:
            self.wait_ready(name)
        for service in self.replicas:
            if any(name in self.processes for name in self.replica_names(service)):
                self._front(service)

    def wait_ready(self, name: str, timeout: float | None = None) -> None:
        self._wait_answering(
            name, self.processes[name], f"{name}.log", timeout or self.ready_timeout
        )

    def _ready_url(self, name: str) -> str:
        return self.urls[name] + {"sandbox": "/", "payments": "/healthz"}.get(name, "/openapi.json")

    def _wait_answering(
        self, name: str, process: subprocess.Popen, log: str, timeout: float
    ) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(
                    f"{name} exited with {process.returncode}; see {self.logs}/{log}"
                )
            try:
                httpx.get(self._ready_url(name), timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError(f"{name} did not answer within {timeout}s")

    def start_supervised(self, timeout: float = 60) -> None:
        """Start the sandboxes, intake, notify, survey, reporting and desk under one honcho
        with the root
        Procfile, as `scripts/run.sh` does (it adds the embedded Mongo server and the banner;
        here the run's Mongo-wire server is given by MONGODB_URL), and wait until all answer."""
        if self.supervisor is not None or self.processes:
            raise RuntimeError("the system is already started")
        log = open(self.logs / "honcho.log", "a")
        self.supervisor = subprocess.Popen(
            [str(BIN / "honcho"), "start", "-f", "Procfile", *COMMANDS],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for name in COMMANDS:
            self._wait_answering(name, self.supervisor, "honcho.log", timeout)

    def shift_clock(self, offset: timedelta, timeout: float = 30) -> None:
        """Run every process at real time + offset (timedelta(0) goes back to real time), and wait
        until each HTTP service's Date header shows it. Needs `create(..., clock_control=True)`."""
        clock_file = self.logs / CLOCK_FILE
        if "FAKETIME_TIMESTAMP_FILE" not in self.env:
            raise RuntimeError("clock control is off: System.create(..., clock_control=True)")
        staged = clock_file.with_suffix(".new")
        staged.write_text(f"{round(offset.total_seconds()):+d}\n")
        staged.replace(clock_file)  # atomic: a process never reads half a line
        self.clock_offset = offset
        deadline = time.monotonic() + timeout
        for name in COMMANDS:
            while not self._clock_shown(name, offset):
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{name} did not take the clock offset {offset} within {timeout}s"
                    )
                time.sleep(0.2)

    def _clock_shown(self, name: str, offset: timedelta) -> bool:
        try:
            shown = parsedate_to_datetime(
                httpx.get(self._ready_url(name), timeout=2).headers["date"]
            )
        except (httpx.HTTPError, KeyError, TypeError, ValueError):
            return False
        # uvicorn refreshes its Date header once a second
        return abs(shown - (datetime.now(UTC) + offset)) < timedelta(seconds=5)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        if self.supervisor is not None:
            raise RuntimeError(
                "kill/restart one service needs per-process mode: start(), not start_supervised()"
            )
        process = self.processes[name]
        process.send_signal(sig)
        process.wait(timeout=30)

    def restart(self, name: str) -> None:
        self.start(name)

    def process_with_port(self, local_port: int) -> str | None:
        """Which of the run's processes has a TCP connection from `local_port` (e.g. the
        `peer_port` RabbitMQ lists for a consumer's connection), from Linux /proc."""
        inodes = socket_inodes(local_port)
        for name, process in self.processes.items():
            if process.poll() is None and inodes & open_socket_inodes(process.pid):
                return name
        return None

    def stop(self) -> None:
        if self.supervisor is not None:
            self._stop_supervisor()
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        for front in self.fronts.values():
            front.stop()

    def _stop_supervisor(self, timeout: float = 30) -> None:
        """SIGINT, as Ctrl-C on `scripts/run.sh`: honcho sends SIGTERM to every process group and
        SIGKILLs those still running after its own 5 s. Honcho watches the `sh -c` it started,
        which dies at once, so the services themselves (finishing their shutdown) are waited
        for too: the run's queues and databases are dropped only once nothing uses them."""
        assert self.supervisor is not None
        services = _descendants(self.supervisor.pid)
        if self.supervisor.poll() is None:
            self.supervisor.send_signal(signal.SIGINT)
        try:
            self.supervisor.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.supervisor.kill()
            self.supervisor.wait(timeout=10)
        deadline = time.monotonic() + timeout
        while (alive := [pid for pid in services if _running(pid)]) and time.monotonic() < deadline:
            time.sleep(0.1)
        for pid in alive:
            os.kill(pid, signal.SIGKILL)

    def drop(self, amqp_url: str, mongodb_url: str) -> None:
        """Remove the run's databases, queues and exchanges."""
        from pymongo import MongoClient

        with MongoClient[dict[str, Any]](mongodb_url) as client:
            for service in SERVICES:
                client.drop_database(self.db_name(service))
        asyncio.run(_drop_topology(amqp_url, self.exchange))


@contextmanager
def supervised_system(
    amqp_url: str, mongodb_url: str, logs: Path, *, clock_control: bool = False, **overrides: str
) -> Iterator[System]:
    """The whole system under the README's supervisor for a block of tests; afterwards stopped,
    and its queues and databases dropped."""
    system = System.create(
        amqp_url, mongodb_url, logs, clock_control=clock_control, replicas=None, **overrides
    )
    try:
        system.start_supervised()
        yield system
    finally:
        system.stop()
        system.drop(amqp_url, mongodb_url)


def _descendants(root: int) -> list[int]:
    """Every process below `root` (Linux /proc): honcho's shells and the services they run."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # "pid (command) state ppid …": the command may hold spaces, so split after ')'
            parents[int(stat.parent.name)] = int(stat.read_text().rpartition(")")[2].split()[1])
        except (OSError, ValueError, IndexError):
            continue  # exited meanwhile
    found, frontier = [], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")  # a zombie has finished; only its parent's wait is missing


async def _drop_topology(amqp_url: str, exchange: str) -> None:
    import aio_pika

    from motcua_shared.contract.topology import consumer_spec

    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        for service in CONSUMERS:
            await channel.queue_delete(f"{exchange}.{service}")
            await channel.queue_delete(f"{exchange}.{service}.dlq")
            spec = consumer_spec(exchange, service)  # MOTCUA_PARTITIONS > 1: its partitions too
            if spec.partitions > 1:
                for name in spec.queues:
                    await channel.queue_delete(name)
                await channel.exchange_delete(spec.hash_exchange)
        await channel.exchange_delete(exchange)
        await channel.exchange_delete(f"{exchange}.dlx")
