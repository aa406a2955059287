"""Which process holds a TCP connection (Linux /proc), so a test can find the process behind
what RabbitMQ lists: a consumer's connection shows the client's `peer_port`; the socket bound
to that port on this machine belongs to one of the run's processes. Why: a run kills "the
active consumer of a partition", and only the broker knows which consumer is active.
"""

import os
from pathlib import Path


def socket_inodes(local_port: int) -> set[str]:
    """Inodes of the IPv4/IPv6 TCP sockets bound to `local_port` on this machine."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].rpartition(":")[2], 16) == local_port:
                found.add(fields[9])
    return found


def open_socket_inodes(pid: int) -> set[str]:
    found = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                found.add(target[8:-1])
    except OSError:
        pass
    return found
