"""The whole system as real processes, for end-to-end tests, fault runs and benchmarks.

Each run gets its own exchange and databases, so it never meets a running system's messages.
One process per service (not one supervisor) so a run can SIGKILL and restart a single service;
`System.stop()` ends them all and `drop()` removes the run's queues and databases.
"""

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from motcua_shared.auth import mint_token
from motcua_shared.embedded_mongo import free_port

BIN = Path(sys.executable).parent
SECRET = "system-test-secret-0123456789-0123456789"
SERVICES = ("intake", "notify", "survey", "reporting")
COMMANDS = {"sandbox": "notify-sandbox", "intake": "intake-service", "notify": "notify-service",
            "survey": "survey-service", "reporting": "reporting-service"}
CONSUMERS = ("notify", "survey", "reporting")


def system_env(amqp_url: str, mongodb_url: str, run_id: str, ports: dict[str, int]) -> dict[str, str]:
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    return os.environ | {
        "AMQP_URL": amqp_url, "MONGODB_URL": mongodb_url, "JWT_SECRET": SECRET,
        "MOTCUA_EXCHANGE": f"sys-{run_id}", "LOG_LEVEL": "WARNING",
        "INTAKE_PORT": str(ports["intake"]), "INTAKE_DB_NAME": f"sys_{run_id}_intake",
        "NOTIFY_PORT": str(ports["notify"]), "NOTIFY_DB_NAME": f"sys_{run_id}_notify",
        "NOTIFY_ZALO_BASE_URL": urls["sandbox"], "NOTIFY_ZALO_OAUTH_URL": urls["sandbox"],
        "NOTIFY_SMS_URL": urls["sandbox"] + "/sms/send",
        "NOTIFY_LOOKUP_URL": urls["intake"] + "/api/v1/public/dossiers/{code}",
        # A run must not wait for morning when CI runs at night in Vietnam.
        "NOTIFY_QUIET_START": "00:00", "NOTIFY_QUIET_END": "00:00",
        "NOTIFY_SANDBOX_PORT": str(ports["sandbox"]), "NOTIFY_SANDBOX_NOTIFY_URL": urls["notify"],
        "NOTIFY_SANDBOX_RECEIPT_DELAY_SECONDS": "0.2",
        "SURVEY_PORT": str(ports["survey"]), "SURVEY_DB_NAME": f"sys_{run_id}_survey",
        "SURVEY_PUBLIC_URL": urls["survey"],
        "REPORTING_PORT": str(ports["reporting"]), "REPORTING_DB_NAME": f"sys_{run_id}_reporting",
        "REPORTING_INTAKE_URL": urls["intake"], "REPORTING_SURVEY_URL": urls["survey"],
    }


@dataclass
class System:
    urls: dict[str, str]
    env: dict[str, str]
    logs: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @classmethod
    def create(cls, amqp_url: str, mongodb_url: str, logs: Path, **overrides: str) -> "System":
        run_id = uuid.uuid4().hex[:8]
        ports = {name: free_port() for name in COMMANDS}
        urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        return cls(urls, system_env(amqp_url, mongodb_url, run_id, ports) | overrides, logs)

    @property
    def exchange(self) -> str:
        return self.env["MOTCUA_EXCHANGE"]

    def db_name(self, service: str) -> str:
        return self.env[f"{service.upper()}_DB_NAME"]

    def token(self, sub: str, unit: str, *roles: str) -> dict[str, str]:
        return {"Authorization": "Bearer " + mint_token(SECRET, sub, unit, list(roles))}

    def run(self, command: str, *args: str) -> subprocess.CompletedProcess:
        """Run one of the project's console scripts (e.g. reporting-rebuild) with the run's env."""
        return subprocess.run([str(BIN / command), *args], env=self.env, capture_output=True,
                              text=True, timeout=300)

    def start(self, *names: str) -> None:
        """Start the named processes (all when none are named) and wait until they answer."""
        for name in names or tuple(COMMANDS):
            log = open(self.logs / f"{name}.log", "a")
            self.processes[name] = subprocess.Popen([str(BIN / COMMANDS[name])], env=self.env,
                                                    stdout=log, stderr=subprocess.STDOUT)
        for name in names or tuple(COMMANDS):
            self.wait_ready(name)

    def wait_ready(self, name: str, timeout: float = 60) -> None:
        url = self.urls[name] + ("/" if name == "sandbox" else "/openapi.json")
        process = self.processes[name]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}; see {self.logs}/{name}.log")
            try:
                httpx.get(url, timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError(f"{name} did not answer within {timeout}s")

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes[name]
        process.send_signal(sig)
        process.wait(timeout=30)

    def restart(self, name: str) -> None:
        self.start(name)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()

    def drop(self, amqp_url: str, mongodb_url: str) -> None:
        """Remove the run's databases, queues and exchanges."""
        from pymongo import MongoClient

        with MongoClient(mongodb_url) as client:
            for service in SERVICES:
                client.drop_database(self.db_name(service))
        asyncio.run(_drop_topology(amqp_url, self.exchange))


async def _drop_topology(amqp_url: str, exchange: str) -> None:
    import aio_pika

    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        for service in CONSUMERS:
            await channel.queue_delete(f"{exchange}.{service}")
            await channel.queue_delete(f"{exchange}.{service}.dlq")
        await channel.exchange_delete(exchange)
        await channel.exchange_delete(f"{exchange}.dlx")
