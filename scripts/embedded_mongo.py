"""The dev runner's embedded MongoDB (SecantusDB): one server per service, stopped last.

    embedded_mongo.py PORT FOLDER         run them: intake's on PORT, notify's on PORT+1, …,
                                          each keeping its data in FOLDER/<service>
    embedded_mongo.py --env PORT FOLDER   print the settings that point each service at its
                                          server (INTAKE_MONGODB_URL=…), for scripts/run.sh

Why one per service, and what a FOLDER from before that layout gets: `service_servers` in
motcua_shared/storage/embedded_mongo.py.

Ctrl-C reaches every process of the terminal's group at once; if the databases went first, a
service stopping mid-message (its relay giving back its lease, say) would wait on them until the
supervisor kills it. So the servers run in their own session, and on SIGINT/SIGTERM this wrapper
waits (briefly) until no process holds a connection to them (Linux's /proc/net/tcp; elsewhere,
until the services' ports close, which they do before their own shutdown work) before stopping
them.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from motcua_shared.config.settings import own_mongodb_url_setting
from motcua_shared.ops.tcp_sockets import ESTABLISHED, tcp_sockets
from motcua_shared.storage.embedded_mongo import secantus_command, service_servers, service_urls

SERVICE_PORTS = (8001, 8002, 8003, 8004)
# honcho kills what is still running 5 s after its SIGTERM, and servers outliving this wrapper
# would be orphans. A test may wait longer.
GRACE_SECONDS = float(os.environ.get("EMBEDDED_MONGO_STOP_GRACE", "3.5"))


def answering(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def in_use(server_ports: set[int]) -> bool:
    """Whether a process still holds a connection to one of the servers."""
    sockets = tcp_sockets()
    if sockets is None:  # no /proc: the services close their ports before their shutdown work
        return any(answering(port) for port in SERVICE_PORTS)
    return any(s.state == ESTABLISHED and s.local_port in server_ports for s in sockets)


def run(first_port: int, root: Path) -> None:
    stores = dict(service_servers(first_port, root).values())  # port → folder, each server once
    servers = []
    for port, folder in stores.items():
        folder.mkdir(parents=True, exist_ok=True)
        servers.append(subprocess.Popen(secantus_command(folder, port), start_new_session=True))
    stopping: list[int] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, _: stopping.append(signum))
    while not stopping and all(server.poll() is None for server in servers):
        time.sleep(0.2)
    deadline = time.monotonic() + GRACE_SECONDS
    while time.monotonic() < deadline and in_use(set(stores)):
        time.sleep(0.1)
    for server in servers:
        server.terminate()
    for server in servers:
        server.wait(timeout=10)


def main() -> None:
    if sys.argv[1] == "--env":
        servers = service_servers(int(sys.argv[2]), Path(sys.argv[3]))
        for service, url in service_urls(servers).items():
            print(f"{own_mongodb_url_setting(service)}={url}")
        return
    run(int(sys.argv[1]), Path(sys.argv[2]))


if __name__ == "__main__":
    main()
