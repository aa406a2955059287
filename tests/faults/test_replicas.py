"""Two intake, two notify and two reporting processes on K = 4 partitions
(`bench/replica_faults.py`): the intake holding the relay's lease and the active consumers of a
notify and a reporting partition are SIGKILLed mid-stream; every citizen's messages still
arrive in lifecycle order and none twice, reporting equals intake, nothing is stuck or
dead-lettered. It exits 1 when one fails.

It starts its own RabbitMQ node with the consistent-hash plugin and its own SecantusDB (or uses
MONGODB_URL). Deselect with `-m "not faults"`.
"""

import os
from pathlib import Path

import pytest

from motcua_shared.testing.private_broker import rabbitmq_server_installed

from .fault_run import run_fault_script

pytestmark = [pytest.mark.faults, pytest.mark.timeout(0)]  # not 600 s: bounded by TIMEOUT below

DOSSIERS = int(os.environ.get("MOTCUA_REPLICAS_DOSSIERS", "100"))
TIMEOUT = 900  # a bound, not a figure: 1–2 min on a quiet machine (2 December 2026)


@pytest.mark.skipif(
    not rabbitmq_server_installed(), reason="needs rabbitmq-server to run a private node"
)
def test_replicas_keep_order_and_lose_nothing_when_killed(tmp_path: Path) -> None:
    output = run_fault_script("replica_faults.py", DOSSIERS, TIMEOUT, tmp_path / "logs")
    assert "every invariant holds" in output
