"""Runs one of bench/'s fault scripts as CI's test of it: its own private broker node(s) and Mongo
server, N dossiers, its output shown on failure; exit status 0 only when every invariant held."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_fault_script(script: str, dossiers: int, timeout: float, logs: Path) -> str:
    """Run bench/<script> on `dossiers` and return its output; fail unless it exited 0."""
    run = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / script), "-n", str(dossiers), "--logs", str(logs)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
    )
    try:
        output, _ = run.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        run.terminate()  # SIGTERM: the run stops its services, broker node(s) and Mongo server
        output, _ = run.communicate(timeout=180)
    finally:
        if run.poll() is None:  # interrupted (Ctrl-C): stop the run, not orphan it
            run.terminate()
            run.wait(timeout=180)
    print(output)  # the figures, shown with -s or on failure
    assert run.returncode == 0, output[-8000:]
    return output
