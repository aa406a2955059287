"""Three private RabbitMQ nodes joined into one cluster, for the run that stops a node.

`PrivateCluster` joins three such nodes into one RabbitMQ cluster (one Erlang cookie,
`rabbitmqctl join_cluster`), so a run can stop the node leading the quorum queues and see the
other two carry on: the broker's own replication, shown on one machine.

    with PrivateCluster(tmp_path) as cluster:  # three nodes, one cluster, stopped afterwards
        cluster.nodes[0].url                   # each node has its own AMQP port
        cluster.leaders()                      # {quorum queue: node name of its leader}
        cluster.node(name).stop()              # the whole node goes; the others elect leaders
"""

import json
import secrets
import subprocess
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from motcua_shared.testing.private_broker import PLUGINS, BrokerUnavailable, PrivateBroker


def _patiently(node: PrivateBroker, *args: str, ok_if: str = "", attempts: int = 4) -> None:
    """One rabbitmqctl step of forming a cluster, asked again when the CLI itself times out (on a
    loaded machine it can take minutes to boot); each step is idempotent."""
    for attempt in range(attempts):
        try:
            result = node.ctl(*args, check=False, timeout=180)
        except subprocess.TimeoutExpired:
            if attempt == attempts - 1:
                raise
            continue
        if result.returncode == 0 or (ok_if and ok_if in result.stdout + result.stderr):
            return
        raise BrokerUnavailable(
            f"rabbitmqctl {' '.join(args)} on {node.node}: "
            f"{result.stderr.strip() or result.stdout.strip()}"
        )


class PrivateCluster:
    """`size` private nodes joined into one cluster: one Erlang cookie, each node its own ports
    and data; the first is the seed the others `join_cluster`. Quorum queues declared once the
    cluster is formed get a member on every node (RabbitMQ 3.10's default), their leader on the
    node the declaring client is connected to (`client-local`)."""

    def __init__(
        self,
        workdir: Path,
        size: int = 3,
        name: str | None = None,
        plugins: Sequence[str] = PLUGINS,
    ) -> None:
        base = name or f"motcua-cluster-{uuid.uuid4().hex[:8]}"
        cookie = secrets.token_hex(20).upper()
        self.nodes = [
            PrivateBroker(workdir / f"node{i}", f"{base}-{i}", cookie=cookie, plugins=plugins)
            for i in range(size)
        ]

    def start(self, timeout: float = 180) -> "PrivateCluster":
        try:
            with ThreadPoolExecutor(len(self.nodes)) as pool:  # the nodes boot side by side
                list(pool.map(lambda node: node.start(timeout), self.nodes))
            seed = self.nodes[0]
            for node in self.nodes[1:]:
                _patiently(node, "stop_app")
                _patiently(node, "reset")
                _patiently(node, "join_cluster", seed.node, ok_if="already_member")
                _patiently(node, "start_app")
                node._wait_until_up(timeout)
            self._wait_formed(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_formed(self, timeout: float) -> None:
        wanted = {node.node for node in self.nodes}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if set(self.running_nodes()) == wanted:
                return
            time.sleep(0.5)
        raise BrokerUnavailable(
            f"cluster not formed within {timeout:.0f}s: running {self.running_nodes()}"
        )

    def running_nodes(self) -> list[str]:
        """The nodes the cluster itself says are running (`cluster_status` on a live node)."""
        result = self.ctl("cluster_status", "--formatter", "json", check=False)
        if result.returncode != 0:
            return []
        return list(json.loads(result.stdout).get("running_nodes", []))

    def node(self, name: str) -> PrivateBroker:
        return next(node for node in self.nodes if node.node == name)

    def ctl(
        self, *args: str, check: bool = True, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        """rabbitmqctl on the first node still running (cluster-wide commands)."""
        for attempt in range(3):  # the CLI may time out booting on a loaded machine: ask again
            live = [node for node in self.nodes if node.running]
            if not live:
                raise BrokerUnavailable("no node of the cluster is running")
            try:
                return live[0].ctl(*args, check=check, timeout=timeout)
            except subprocess.TimeoutExpired:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def queues(self) -> dict[str, dict[str, int]]:
        """Every queue of the cluster: depth (ready + unacknowledged) and consumer count."""
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

    def quorum_queues(self, prefix: str = "") -> dict[str, dict[str, Any]]:
        """{queue: {"leader": node, "members": [nodes], "online": [nodes]}} of the quorum queues
        whose name starts with `prefix`."""
        result = self.ctl(
            "list_queues",
            "--quiet",
            "--formatter",
            "json",
            "name",
            "type",
            "leader",
            "members",
            "online",
        )
        rows = json.loads(result.stdout or "[]")
        return {
            row["name"]: {
                "leader": row["leader"],
                "members": list(row["members"]),
                "online": list(row["online"]),
            }
            for row in rows
            if row["type"] in ("quorum", "rabbit_quorum_queue") and row["name"].startswith(prefix)
        }

    def leaders(self, prefix: str = "") -> dict[str, str]:
        return {name: str(info["leader"]) for name, info in self.quorum_queues(prefix).items()}

    def stop(self) -> None:
        with ThreadPoolExecutor(len(self.nodes)) as pool:
            list(pool.map(lambda node: node.stop(), self.nodes))

    def __enter__(self) -> "PrivateCluster":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
