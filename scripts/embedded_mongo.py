"""The dev runner's embedded MongoDB (SecantusDB), stopped last.

Ctrl-C reaches every process of the terminal's group at once; if the database went first, a
service stopping mid-message would wait on it until the supervisor kills it. So the server runs
in its own session, and on SIGINT/SIGTERM this wrapper waits (briefly) for the services to close
their ports before stopping it.
"""

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from motcua_shared.storage.embedded_mongo import secantus_command

SERVICE_PORTS = (8001, 8002, 8003, 8004)
GRACE_SECONDS = 3.5  # honcho kills what is still running 5 s after its SIGTERM


def answering(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def main() -> None:
    port, storage = int(sys.argv[1]), Path(sys.argv[2])
    storage.mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen(secantus_command(storage, port), start_new_session=True)
    stopping: list[int] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, _: stopping.append(signum))
    while not stopping and server.poll() is None:
        time.sleep(0.2)
    deadline = time.monotonic() + GRACE_SECONDS
    while time.monotonic() < deadline and any(answering(p) for p in SERVICE_PORTS):
        time.sleep(0.1)
    server.terminate()
    server.wait(timeout=10)


if __name__ == "__main__":
    main()
