"""All services as real processes, on the real broker and the Mongo-wire server, with notify's
sandbox gateway standing in for Zalo and the SMS gateway. Each run gets its own exchange and
databases, so it never meets a running system's messages."""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from motcua_shared.auth import mint_token
from motcua_shared.embedded_mongo import free_port

BIN = Path(sys.executable).parent
SECRET = "e2e-secret-0123456789-0123456789-abcdef"


@dataclass
class System:
    urls: dict[str, str]
    env: dict[str, str]
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def token(self, sub: str, unit: str, *roles: str) -> dict[str, str]:
        return {"Authorization": "Bearer " + mint_token(SECRET, sub, unit, list(roles))}

    def run(self, command: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN / command), *args], env=self.env, capture_output=True,
                              text=True, timeout=300)


def _wait(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


@pytest.fixture(scope="module")
def system(amqp_url: str, mongodb_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    run_id = uuid.uuid4().hex[:8]
    ports = {name: free_port() for name in ("intake", "notify", "survey", "reporting", "sandbox")}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    env = os.environ | {
        "AMQP_URL": amqp_url, "MONGODB_URL": mongodb_url, "JWT_SECRET": SECRET,
        "MOTCUA_EXCHANGE": f"e2e-{run_id}", "LOG_LEVEL": "WARNING",
        "INTAKE_PORT": str(ports["intake"]), "INTAKE_DB_NAME": f"e2e_{run_id}_intake",
        "NOTIFY_PORT": str(ports["notify"]), "NOTIFY_DB_NAME": f"e2e_{run_id}_notify",
        "NOTIFY_ZALO_BASE_URL": urls["sandbox"], "NOTIFY_ZALO_OAUTH_URL": urls["sandbox"],
        "NOTIFY_SMS_URL": urls["sandbox"] + "/sms/send",
        "NOTIFY_LOOKUP_URL": urls["intake"] + "/api/v1/public/dossiers/{code}",
        # The journey must not wait for morning when CI runs at night in Vietnam.
        "NOTIFY_QUIET_START": "00:00", "NOTIFY_QUIET_END": "00:00",
        "NOTIFY_SANDBOX_PORT": str(ports["sandbox"]), "NOTIFY_SANDBOX_NOTIFY_URL": urls["notify"],
        "NOTIFY_SANDBOX_RECEIPT_DELAY_SECONDS": "0.2",
        "SURVEY_PORT": str(ports["survey"]), "SURVEY_DB_NAME": f"e2e_{run_id}_survey",
        "SURVEY_PUBLIC_URL": urls["survey"],
        "REPORTING_PORT": str(ports["reporting"]), "REPORTING_DB_NAME": f"e2e_{run_id}_reporting",
        "REPORTING_INTAKE_URL": urls["intake"], "REPORTING_SURVEY_URL": urls["survey"],
    }
    system = System(urls, env)
    logs = tmp_path_factory.mktemp("e2e-logs")
    commands = {"sandbox": "notify-sandbox", "intake": "intake-service", "notify": "notify-service",
                "survey": "survey-service", "reporting": "reporting-service"}
    try:
        for name, command in commands.items():
            log = open(logs / f"{name}.log", "w")
            system.processes[name] = subprocess.Popen([str(BIN / command)], env=env, stdout=log,
                                                      stderr=subprocess.STDOUT)
        for name, process in system.processes.items():
            _wait(urls[name] + ("/" if name == "sandbox" else "/openapi.json"), process)
        yield system
    finally:
        for process in system.processes.values():
            process.terminate()
        for name, process in system.processes.items():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        _drop(amqp_url, mongodb_url, env)


def _drop(amqp_url: str, mongodb_url: str, env: dict[str, str]) -> None:
    import asyncio

    import aio_pika
    from pymongo import MongoClient

    with MongoClient(mongodb_url) as client:
        for service in ("intake", "notify", "survey", "reporting"):
            client.drop_database(env[f"{service.upper()}_DB_NAME"])

    async def drop_queues() -> None:
        exchange = env["MOTCUA_EXCHANGE"]
        connection = await aio_pika.connect(amqp_url)
        async with connection:
            channel = await connection.channel()
            for service in ("notify", "survey", "reporting"):
                await channel.queue_delete(f"{exchange}.{service}")
                await channel.queue_delete(f"{exchange}.{service}.dlq")
            await channel.exchange_delete(exchange)
            await channel.exchange_delete(f"{exchange}.dlx")

    asyncio.run(drop_queues())
