"""Real infrastructure for tests, never a mock of MongoDB or RabbitMQ.

- AMQP_URL / MONGODB_URL when set;
- else a testcontainers container when a Docker engine answers;
- else the local broker (127.0.0.1:5672) and an embedded SecantusDB server.

Each test gets its own exchange (so its own queues) and its own database names, and they are
removed afterwards, so tests never see each other's messages or a running system's.
"""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import aio_pika
import pytest
import pytest_asyncio
from pymongo.asynchronous.database import AsyncDatabase

from motcua_shared.config.settings import DEFAULT_AMQP_URL
from motcua_shared.storage.embedded_mongo import EmbeddedMongo, wait_for_mongo
from motcua_shared.storage.mongo import mongo_client

# On a timeout, print the asyncio tasks and where each waits (the thread stacks do not show it).
pytest_plugins = ["motcua_shared.testing.hang_report"]


def docker_engine_answers() -> bool:
    try:
        import docker

        client = docker.from_env(timeout=2)
        client.ping()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def amqp_url() -> Iterator[str]:
    if url := os.environ.get("AMQP_URL"):
        yield url
    elif docker_engine_answers():
        from testcontainers.rabbitmq import RabbitMqContainer

        with RabbitMqContainer("rabbitmq:3.13-management") as container:
            params = container.get_connection_params()
            yield f"amqp://guest:guest@{params.host}:{params.port}/"
    else:
        yield DEFAULT_AMQP_URL


@pytest.fixture(scope="session")
def mongodb_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if url := os.environ.get("MONGODB_URL"):
        yield url
    elif docker_engine_answers():
        yield from _mongo_container()
    else:
        server = EmbeddedMongo(Path(tmp_path_factory.mktemp("secantus"))).start()
        try:
            yield server.url
        finally:
            server.stop()


def _mongo_container() -> Iterator[str]:
    """A one-node replica set: transactions need one."""
    from pymongo import MongoClient
    from testcontainers.core.container import DockerContainer

    container = (
        DockerContainer("mongo:8.0")
        .with_command("--replSet rs0 --bind_ip_all")
        .with_exposed_ports(27017)
    )
    with container:
        host, port = container.get_container_host_ip(), container.get_exposed_port(27017)
        url = f"mongodb://{host}:{port}/?directConnection=true"
        wait_for_mongo(url, timeout=60)
        with MongoClient[dict[str, Any]](url) as client:
            client.admin.command(
                "replSetInitiate",
                {"_id": "rs0", "members": [{"_id": 0, "host": "localhost:27017"}]},
            )
        wait_for_mongo(url, timeout=60)
        yield url


@pytest.fixture
def exchange_name() -> str:
    """A fresh topic exchange per test; queues derive their names from it."""
    return f"test-{uuid.uuid4().hex[:10]}"


@pytest_asyncio.fixture
async def amqp_cleanup(amqp_url: str, exchange_name: str) -> AsyncIterator[None]:
    """Delete the test's exchange, dead-letter exchange and queues afterwards."""
    yield
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        partitions = tuple(f".p{i}" for i in range(8))  # MOTCUA_PARTITIONS runs (topology.py)
        for service in ("intake", "notify", "survey", "reporting", "probe"):
            for suffix in ("", ".dlq", ".replicas", *partitions):
                try:
                    await channel.queue_delete(f"{exchange_name}.{service}{suffix}")
                except Exception:
                    channel = await connection.channel()
        hashes = [f"{exchange_name}.{service}.hash" for service in ("notify", "reporting", "probe")]
        for name in (exchange_name, f"{exchange_name}.dlx", *hashes):
            try:
                await channel.exchange_delete(name)
            except Exception:
                channel = await connection.channel()


@pytest.fixture
def db_name() -> str:
    return f"test_{uuid.uuid4().hex[:10]}"


T = TypeVar("T")


@pytest_asyncio.fixture
async def mongo(mongodb_url: str, db_name: str) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    """A fresh database on the real Mongo-wire server, dropped afterwards."""
    client = mongo_client(mongodb_url)
    try:
        yield client[db_name]
    finally:
        await client.drop_database(db_name)
        await client.close()


async def eventually(
    check: Callable[[], Awaitable[T]], timeout: float = 10.0, interval: float = 0.05
) -> T:
    """Poll an async `check` until it returns a truthy value (no sleeps tuned by hand)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last: {result!r})")
        await asyncio.sleep(interval)


class EventProbe:
    """A throw-away queue bound to the test's exchange that records every event, in order."""

    def __init__(self, amqp_url: str, exchange: str, routing_key: str = "#") -> None:
        self.amqp_url, self.exchange, self.routing_key = amqp_url, exchange, routing_key
        self.messages: list[aio_pika.abc.AbstractIncomingMessage] = []

    async def __aenter__(self) -> "EventProbe":
        from motcua_shared.contract.topology import declare_exchange

        self.connection = await aio_pika.connect(self.amqp_url)
        channel = await self.connection.channel()
        exchange = await declare_exchange(channel, self.exchange)
        self.queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        await self.queue.bind(exchange, routing_key=self.routing_key)
        await self.queue.consume(self._on_message, no_ack=True)
        return self

    async def _on_message(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        self.messages.append(message)

    async def wait_for(self, count: int, timeout: float = 10.0) -> list:
        async def enough() -> bool:
            return len(self.messages) >= count

        await eventually(enough, timeout)
        return self.messages

    async def __aexit__(self, *exc: object) -> None:
        await self.connection.close()


@pytest_asyncio.fixture
async def event_probe(
    amqp_url: str, exchange_name: str, amqp_cleanup: None
) -> AsyncIterator[EventProbe]:
    async with EventProbe(amqp_url, exchange_name) as probe:
        yield probe
