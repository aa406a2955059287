"""The fault run in CI: `bench/faults.py` drives dossiers through their lifecycles while
consumers are SIGKILLed, the (private) broker is stopped and started and intake is killed with
events in its outbox, then checks that reporting equals intake, nobody got a message twice, no
survey opened twice and no dead-letter queue holds anything. It exits 1 when one fails.

It starts its own RabbitMQ node (the shared one is never stopped) and its own SecantusDB (or
uses MONGODB_URL). Deselect with `-m "not faults"`.
"""

import os
from pathlib import Path

import pytest

from motcua_shared.testing.private_broker import rabbitmq_server_installed

from .fault_run import run_fault_script

pytestmark = [pytest.mark.faults, pytest.mark.timeout(0)]  # not 600 s: bounded by TIMEOUT below

# CI runs 1,000 dossiers: ~5 min here on a quiet machine (2 December 2026, with notify's send
# side batched; ~21 min before it, mostly notify's send queue draining on SecantusDB; see README,
# Faults). MOTCUA_FAULTS_DOSSIERS=300 for a quick run, 2000 for the full size.
DOSSIERS = int(os.environ.get("MOTCUA_FAULTS_DOSSIERS", "1000"))
TIMEOUT = 1800  # a bound, not a figure: ~5 min on a quiet machine (2 December 2026)


@pytest.mark.skipif(
    not rabbitmq_server_installed(), reason="needs rabbitmq-server to run a private node"
)
def test_every_invariant_holds_under_faults(tmp_path: Path) -> None:
    output = run_fault_script("faults.py", DOSSIERS, TIMEOUT, tmp_path / "logs")
    assert "every invariant holds" in output
