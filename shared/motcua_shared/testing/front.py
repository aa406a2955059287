"""One address in front of several servers, as a Kubernetes Service is in front of replicas.

Why: the services take one AMQP URL and one URL per peer service (aio-pika, aiormq and
FastStream connect to a single host; none takes a list of brokers to fail over to), and in
`deploy/` that one address is a Service: the RabbitMQ cluster's Service in front of its three
nodes, intake's Service in front of its replicas. Runs with several broker nodes or several
replicas of a service put this TCP front where the Service would be, so the services run
unchanged.

- `failover`: each new connection goes to the first backend, in the given order, that accepts
  it (the broker cluster: every client on one node until it goes, then on the next);
- `round_robin`: each new connection to the next backend that accepts (HTTP replicas).

A backend that goes away closes its connections; the client reconnects to the front, which
picks a backend that is still there. The front runs its own event loop on a thread, so the
synchronous harness (`motcua_shared.testing.system`) can start and stop it.

    with TcpFront([("127.0.0.1", 5701), ("127.0.0.1", 5702)], "failover") as front:
        front.port
"""

import asyncio
import contextlib
import itertools
import threading
from collections.abc import Coroutine, Sequence
from typing import Any, Literal

from motcua_shared.ops.background_tasks import stop_tasks

Policy = Literal["failover", "round_robin"]
Backend = tuple[str, int]


class TcpFront:
    def __init__(
        self, backends: Sequence[Backend], policy: Policy = "round_robin", port: int = 0
    ) -> None:
        self.backends = list(backends)
        self.policy = policy
        self.port = port
        self.connections: dict[Backend, int] = {
            backend: 0 for backend in self.backends
        }  # made so far
        self._turn = itertools.count()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name=f"front :{port}", daemon=True
        )
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    def start(self) -> "TcpFront":
        self._thread.start()
        self._call(self._open())
        return self

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        self._call(self._close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def __enter__(self) -> "TcpFront":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _call(self, coroutine: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    async def _open(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()
        await stop_tasks(*self._tasks)

    def _order(self) -> list[Backend]:
        if self.policy == "failover":
            return list(self.backends)
        start = next(self._turn) % len(self.backends)
        return self.backends[start:] + self.backends[:start]

    async def _accept(
        self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        for host, port in self._order():
            try:
                upstream_reader, upstream_writer = await asyncio.wait_for(
                    asyncio.open_connection(host, port), timeout=5
                )
            except (OSError, TimeoutError):
                continue  # that backend is down: the next one
            self.connections[host, port] += 1
            break
        else:
            client_writer.close()  # nobody there: the client sees a refused connection and retries
            return
        self._writers.update({client_writer, upstream_writer})
        for source, sink in ((client_reader, upstream_writer), (upstream_reader, client_writer)):
            task = asyncio.create_task(self._pipe(source, sink))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.CancelledError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        with contextlib.suppress(ConnectionError, RuntimeError):
            writer.close()  # one side closed: close the other, so the client sees it
        self._writers.discard(writer)
