"""A RabbitMQ node of one's own, for runs that stop the broker (fault runs, reconnect tests).

The machine's broker (127.0.0.1:5672) is shared by everyone and must never be stopped, so a run
that needs `rabbitmqctl stop_app` starts a second node beside it: its own node name, AMQP and
distribution ports, data, logs, plugins file, config file and Erlang cookie (HOME), all under a
work directory, and none of /etc/rabbitmq (whose config would make it listen on 5672).

    with PrivateBroker(tmp_path) as broker:   # started, and always stopped afterwards
        broker.url                            # amqp://guest:guest@127.0.0.1:<port>/
        broker.stop_app(); broker.start_app()
        broker.queues()                       # {name: {"messages": …, "consumers": …}}

Three such nodes joined into one cluster: `private_cluster.py`.
"""

import json
import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

from motcua_shared.storage.embedded_mongo import free_port

# The Debian package's /usr/sbin scripts only run as root or rabbitmq (and su to rabbitmq);
# the scripts they wrap run as any user that can write the work directory.
_LIB_BIN = Path("/usr/lib/rabbitmq/bin")
# rabbitmqctl's own Erlang distribution listens on 35672-35682 (RABBITMQ_CTL_DIST_PORT_MIN/MAX):
# a node port there would collide with the CLI, as would the shared node's 5672 / 25672.
_RESERVED = set(range(35672, 35683)) | {5672, 25672, 4369}


class BrokerUnavailable(RuntimeError):
    """No RabbitMQ server scripts here, or the private node did not come up (see its log)."""


def _script(name: str) -> str:
    candidate = _LIB_BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise BrokerUnavailable(f"{name} not found (RabbitMQ server not installed)")
    return found


def rabbitmq_server_installed() -> bool:
    """Whether private nodes can run here (the tests that need them skip otherwise)."""
    return (_LIB_BIN / "rabbitmq-server").exists() or shutil.which("rabbitmq-server") is not None


def _port() -> int:
    while (port := free_port()) in _RESERVED:
        pass
    return port


# The partitions of ordered consumers (MOTCUA_PARTITIONS > 1) need the consistent-hash exchange.
PLUGINS = ("rabbitmq_consistent_hash_exchange",)


class PrivateBroker:
    """One node. `cookie`: the Erlang cookie (nodes of one cluster share it; default: its own);
    `plugins`: the plugins to enable."""

    def __init__(
        self,
        workdir: Path,
        name: str | None = None,
        *,
        cookie: str | None = None,
        plugins: Sequence[str] = PLUGINS,
    ) -> None:
        self.workdir = workdir
        self.cookie, self.plugins = cookie, tuple(plugins)
        self.node = f"{name or 'motcua-private-' + uuid.uuid4().hex[:8]}@localhost"
        self.port, self.dist_port = _port(), _port()
        self.url = f"amqp://guest:guest@127.0.0.1:{self.port}/"
        self.log = workdir / "server.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.env = os.environ | {
            "HOME": str(workdir),  # its own Erlang cookie, created on first start
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(workdir / "mnesia"),
            "RABBITMQ_LOG_BASE": str(workdir / "log"),
            "RABBITMQ_PID_FILE": str(workdir / "node.pid"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(workdir / "enabled_plugins"),
            "RABBITMQ_CONFIG_FILE": str(workdir / "rabbitmq.conf"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(workdir / "advanced.config"),
            "RABBITMQ_CONF_ENV_FILE": str(workdir / "rabbitmq-env.conf"),  # not /etc/rabbitmq's
            "ERL_EPMD_ADDRESS": "127.0.0.1",
        }

    def start(self, timeout: float = 120) -> "PrivateBroker":
        self.workdir.mkdir(parents=True, exist_ok=True)
        # The consistent-hash exchange behind the partitioned consumers (MOTCUA_PARTITIONS > 1):
        # shipped with RabbitMQ, enabled on this node as the run commands enable it on the local
        # one.
        (self.workdir / "enabled_plugins").write_text(f"[{','.join(self.plugins)}].\n")
        if self.cookie is not None:
            cookie_file = self.workdir / ".erlang.cookie"  # HOME's: the node's and rabbitmqctl's
            if not cookie_file.exists():
                cookie_file.write_text(self.cookie)
                cookie_file.chmod(0o400)  # Erlang refuses a cookie others can read
        # The AMQP listener comes from RABBITMQ_NODE_IP_ADDRESS/PORT; the file only replaces
        # /etc/rabbitmq/rabbitmq.conf, which names the shared node's port.
        (self.workdir / "rabbitmq.conf").write_text(
            "# private node: settings come from its environment\n"
        )
        (self.workdir / "rabbitmq-env.conf").write_text("")
        log = open(self.log, "ab")
        # Its own session, so a failed `rabbitmqctl stop` can still be followed by a kill of
        # exactly this node's process group.
        self.process = subprocess.Popen(
            [_script("rabbitmq-server")],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            self._wait_until_up(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_up(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise BrokerUnavailable(
                    f"private node {self.node} exited with {self.process.returncode}; "
                    f"see {self.log} and {self.workdir / 'log'}"
                )
            try:
                if (
                    self.ctl("await_startup", "--timeout", "5", check=False, timeout=60).returncode
                    == 0
                    and self.accepts_connections()
                ):
                    return
            except subprocess.TimeoutExpired:
                pass  # rabbitmqctl itself is slow to boot on a loaded machine: ask again
            time.sleep(0.5)
        raise BrokerUnavailable(
            f"private node {self.node} did not start within {timeout:.0f}s; see {self.log}"
        )

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def accepts_connections(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def ctl(
        self, *args: str, check: bool = True, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        """rabbitmqctl against this node only (-n), with its cookie."""
        result = subprocess.run(
            [_script("rabbitmqctl"), "-n", self.node, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise BrokerUnavailable(
                f"rabbitmqctl {' '.join(args)} on {self.node}: "
                f"{result.stderr.strip() or result.stdout.strip()}"
            )
        return result

    def stop_app(self) -> None:
        """The broker goes away (connections closed, port closed); the Erlang node stays."""
        self.ctl("stop_app")

    def start_app(self) -> None:
        self.ctl("start_app")
        self._wait_until_up(timeout=120)

    def queues(self) -> dict[str, dict[str, int]]:
        """Every queue's depth (ready + unacknowledged) and consumer count."""
        result = self.ctl(
            "list_queues",
            "--quiet",
            "--formatter",
            "json",
            "name",
            "messages",
            "messages_ready",
            "messages_unacknowledged",
            "consumers",
        )
        rows = json.loads(result.stdout or "[]")
        return {row["name"]: {k: int(v) for k, v in row.items() if k != "name"} for row in rows}

    def consumers(self) -> list[dict[str, object]]:
        """Every consumer: its queue, whether it is the one receiving (`active`: on a
        single-active-consumer queue only one is) and the client's TCP port (`peer_port` of its
        connection), which names the process (`System.process_with_port`)."""

        def rows(*args: str) -> list[dict[str, object]]:
            return list(
                json.loads(self.ctl(*args, "--quiet", "--formatter", "json").stdout or "[]")
            )

        consumers = rows("list_consumers", "queue_name", "channel_pid", "consumer_tag", "active")
        connection_of = {
            row["pid"]: row["connection"] for row in rows("list_channels", "pid", "connection")
        }
        port_of = {
            row["pid"]: row["peer_port"] for row in rows("list_connections", "pid", "peer_port")
        }
        return [
            {
                "queue": row["queue_name"],
                "tag": row["consumer_tag"],
                "active": row["active"] in (True, "true"),
                "peer_port": port_of.get(connection_of.get(row["channel_pid"])),
            }
            for row in consumers
        ]

    def stop(self) -> None:
        """Stop the node (never any other); kill its process group if it does not stop."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            self.ctl("stop", check=False, timeout=60)
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)
            self.process.wait(timeout=30)

    def __enter__(self) -> "PrivateBroker":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
