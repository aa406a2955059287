"""This machine's TCP sockets, from Linux's /proc/net/tcp and tcp6: each socket's local port,
state and inode. The dev runner waits on it for the services' last connection to its databases
(scripts/embedded_mongo.py); the test harness finds which process holds a connection
(testing/proc_sockets.py)."""

from pathlib import Path
from typing import NamedTuple

ESTABLISHED = "01"  # the `st` column's code for an open connection
TABLES = ("/proc/net/tcp", "/proc/net/tcp6")


class TcpSocket(NamedTuple):
    local_port: int
    state: str
    inode: str


def tcp_sockets() -> list[TcpSocket] | None:
    """Every TCP socket on this machine; None where /proc has no TCP table (not Linux)."""
    found: list[TcpSocket] = []
    readable = False
    for table in TABLES:
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        readable = True
        for row in rows:
            fields = row.split()
            found.append(TcpSocket(int(fields[1].rpartition(":")[2], 16), fields[3], fields[9]))
    return found if readable else None
