"""Which process holds a TCP connection (Linux /proc), so a test can find the process behind
what RabbitMQ lists: a consumer's connection shows the client's `peer_port`; the socket bound
to that port on this machine belongs to one of the run's processes. Why: a run kills "the
active consumer of a partition", and only the broker knows which consumer is active.
"""

import os
from pathlib import Path

from motcua_shared.ops.tcp_sockets import tcp_sockets


def socket_inodes(local_port: int) -> set[str]:
    """Inodes of the IPv4/IPv6 TCP sockets bound to `local_port` on this machine."""
    return {s.inode for s in tcp_sockets() or () if s.local_port == local_port}


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
