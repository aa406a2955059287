"""Two intake, two notify and two reporting processes on K = 4 partitions
(`bench/replica_faults.py`): the intake holding the relay's lease and the active consumers of a
notify and a reporting partition are SIGKILLed mid-stream; every citizen's messages still
arrive in lifecycle order and none twice, reporting equals intake, nothing is stuck or
dead-lettered. It exits 1 when one fails.

It starts its own RabbitMQ node with the consistent-hash plugin and its own SecantusDB (or uses
MONGODB_URL). Deselect with `-m "not faults"`.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from motcua_shared.testing.private_broker import rabbitmq_server_installed

pytestmark = [pytest.mark.faults, pytest.mark.timeout(0)]  # not 600 s: bounded by TIMEOUT below

ROOT = Path(__file__).resolve().parents[2]
DOSSIERS = int(os.environ.get("MOTCUA_REPLICAS_DOSSIERS", "100"))
TIMEOUT = 900  # a bound, not a figure: 1–2 min on a quiet machine (2 December 2026)


@pytest.mark.skipif(
    not rabbitmq_server_installed(), reason="needs rabbitmq-server to run a private node"
)
def test_replicas_keep_order_and_lose_nothing_when_killed(tmp_path: Path) -> None:
    run = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "bench" / "replica_faults.py"),
            "-n",
            str(DOSSIERS),
            "--logs",
            str(tmp_path / "logs"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
    )
    try:
        output, _ = run.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        run.terminate()  # SIGTERM: the run stops its services, broker node and Mongo server
        output, _ = run.communicate(timeout=180)
    finally:
        if run.poll() is None:  # interrupted (Ctrl-C): stop the run, not orphan it
            run.terminate()
            run.wait(timeout=180)
    print(output)  # the figures, shown with -s or on failure
    assert run.returncode == 0, output[-8000:]
    assert "every invariant holds" in output
