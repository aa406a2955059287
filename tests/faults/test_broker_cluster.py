"""The system on a three-node RabbitMQ cluster, the node leading the quorum queues stopped
mid-run (`bench/cluster_faults.py`): publishers and consumers carry on through the other two,
nothing is lost (reporting equals intake), nobody gets a message twice or out of lifecycle order,
nothing is dead-lettered. It exits 1 when one fails.

It starts its own three nodes (the shared broker is never stopped) and its own SecantusDB (or
uses MONGODB_URL). Deselect with `-m "not faults"`.
"""

import os
from pathlib import Path

import pytest

from motcua_shared.testing.private_broker import rabbitmq_server_installed

from .fault_run import run_fault_script

pytestmark = [pytest.mark.faults, pytest.mark.timeout(0)]  # not 600 s: bounded by TIMEOUT below

DOSSIERS = int(os.environ.get("MOTCUA_CLUSTER_DOSSIERS", "100"))
TIMEOUT = 900  # a bound, not a figure: 1–2 min on a quiet machine (2 December 2026)


@pytest.mark.skipif(
    not rabbitmq_server_installed(), reason="needs rabbitmq-server to run private nodes"
)
def test_the_cluster_carries_on_when_the_leader_node_stops(tmp_path: Path) -> None:
    output = run_fault_script("cluster_faults.py", DOSSIERS, TIMEOUT, tmp_path / "logs")
    assert "every invariant holds" in output
