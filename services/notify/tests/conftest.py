"""Fixtures for notify's tests: an injectable clock, event builders, and for integration tests
the real sandbox gateway and the real notify app, each a uvicorn server on a free port, on the
test's own exchange and database."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import aio_pika
import httpx
import pytest
import pytest_asyncio
import uvicorn

from motcua_shared.contract.dossier_events import (
    ApologyIssued,
    DossierReceived,
    DossierRefusedAtDesk,
    DossierResolved,
    HomeVisitScheduled,
    ResultReturned,
    SupplementRequested,
    SupplementSupplied,
)
from motcua_shared.contract.envelope import Envelope
from motcua_shared.contract.event_base import CitizenContact
from motcua_shared.contract.survey_events import SurveyOpened
from motcua_shared.contract.topology import consumer_spec, declare_exchange
from motcua_shared.messaging.outbox_relay import partition_headers
from motcua_shared.storage.embedded_mongo import free_port
from motcua_shared.testing.clock import SettableClock
from motcua_shared.testing.plugin import eventually

from notify.main import create_app
from notify.sandbox.main import create_sandbox_app
from notify.sandbox.settings import SandboxSettings
from notify.settings import NotifySettings

UNIT = "26734"
# 10:00 in Hà Nội: outside quiet hours.
MORNING = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


class Events:
    """Builds the envelopes intake and survey would publish."""

    def __init__(self) -> None:
        self.versions: dict[str, int] = {}

    def _wrap(self, payload, code: str) -> Envelope:
        self.versions[code] = self.versions.get(code, 0) + 1
        return Envelope.wrap(
            payload,
            aggregate_id=code,
            aggregate_version=self.versions[code],
            unit_code=UNIT,
            correlation_id=f"corr-{code}",
            occurred_at=MORNING,
        )

    @staticmethod
    def contact(
        phone: str | None = "0912345678", consent: bool = True, channel: str = "zalo"
    ) -> CitizenContact:
        return CitizenContact(phone=phone, consent=consent, preferred_channel=channel)

    @staticmethod
    def base(
        status: str,
        procedure: str = "Chứng thực bản sao từ bản chính",
        unit: str = "UBND phường Bình Thạnh",
    ) -> dict[str, Any]:
        return {
            "unit_name": unit,
            "province_code": "79",
            "procedure_code": "2.000815",
            "procedure_name": procedure,
            "field_code": "chung-thuc",
            "channel": "direct",
            "status": status,
            "officer_id": "desk01",
        }

    def received(
        self,
        code: str,
        contact: CitizenContact | None = None,
        civil: str | None = None,
        **base: Any,
    ) -> Envelope:
        payload = DossierReceived(
            **self.base("received", **base),
            contact=contact or self.contact(),
            received_at=MORNING,
            due_at=MORNING + timedelta(days=5),
            civil_status_event=civil,
        )
        return self._wrap(payload, code)

    def refused(self, code: str, contact: CitizenContact | None = None) -> Envelope:
        return self._wrap(
            DossierRefusedAtDesk(
                **self.base("refused_at_desk"),
                reason="Không thuộc thẩm quyền",
                contact=contact or self.contact(),
            ),
            code,
        )

    def supplement(
        self, code: str, stage: str = "processing", contact: CitizenContact | None = None
    ) -> Envelope:
        return self._wrap(
            SupplementRequested(
                **self.base("supplement_requested"),
                stage=stage,
                missing_papers=["Tờ khai", "Bản sao CCCD"],
                reason="Thiếu giấy tờ",
                contact=contact or self.contact(),
            ),
            code,
        )

    def supplied(
        self, code: str, stage: str = "desk", contact: CitizenContact | None = None
    ) -> Envelope:
        status = "received" if stage == "desk" else "in_progress"
        return self._wrap(
            SupplementSupplied(
                **self.base(status),
                stage=stage,
                received_at=MORNING,
                due_at=MORNING + timedelta(days=5),
                contact=contact or self.contact(),
            ),
            code,
        )

    def apology(self, code: str, contact: CitizenContact | None = None) -> Envelope:
        return self._wrap(
            ApologyIssued(
                **self.base("in_progress"),
                previous_due_at=MORNING,
                new_due_at=MORNING + timedelta(days=3),
                reason="Chờ xác minh",
                contact=contact or self.contact(),
            ),
            code,
        )

    def resolved(
        self, code: str, contact: CitizenContact | None = None, civil: str | None = None
    ) -> Envelope:
        return self._wrap(
            DossierResolved(
                **self.base("resolved"),
                outcome="approved",
                resolved_at=MORNING,
                contact=contact or self.contact(),
                civil_status_event=civil,
            ),
            code,
        )

    def home_visit(
        self, code: str, purpose: str = "return", contact: CitizenContact | None = None
    ) -> Envelope:
        return self._wrap(
            HomeVisitScheduled(
                **self.base("resolved"),
                visit_date=date(2026, 12, 17),
                urgent=False,
                purpose=purpose,
                contact=contact or self.contact(),
            ),
            code,
        )

    def returned(
        self, code: str, civil: str | None = None, contact: CitizenContact | None = None
    ) -> Envelope:
        return self._wrap(
            ResultReturned(
                **self.base("returned"),
                method="at_desk",
                outcome="approved",
                returned_at=MORNING,
                contact=contact or self.contact(),
                civil_status_event=civil,
            ),
            code,
        )

    def survey_opened(self, code: str, contact: CitizenContact | None = None) -> Envelope:
        payload = SurveyOpened(
            dossier_code=code,
            unit_name="UBND phường Bình Thạnh",
            province_code="79",
            procedure_code="2.000815",
            field_code="chung-thuc",
            survey_url=f"http://127.0.0.1:8003/khao-sat/{code}",
            expires_at=MORNING + timedelta(days=7),
            contact=contact or self.contact(),
        )
        return Envelope.wrap(
            payload,
            aggregate_id=f"survey-{code}",
            aggregate_version=1,
            unit_code=UNIT,
            correlation_id=f"corr-{code}",
            occurred_at=MORNING,
        )


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(MORNING)


@pytest.fixture
def events() -> Events:
    return Events()


class LiveServer:
    """A uvicorn server for an ASGI app, in this event loop, on a free port."""

    def __init__(self, app, port: int) -> None:
        self.port, self.url = port, f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on")
        )

    async def __aenter__(self) -> "LiveServer":
        self.task = asyncio.create_task(self.server.serve())
        while not self.server.started:
            if self.task.done():
                self.task.result()
                raise RuntimeError("server stopped while starting")
            await asyncio.sleep(0.02)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.server.should_exit = True
        await self.task


class Harness:
    """Drives one test: the sandbox, notify (started and stopped at will), the broker."""

    def __init__(self, settings: NotifySettings, sandbox_url: str, mongo) -> None:
        self.settings, self.sandbox_url, self.db = settings, sandbox_url, mongo
        self.http = httpx.AsyncClient(timeout=10)
        self.notify_url = f"http://127.0.0.1:{settings.port}"

    @contextlib.asynccontextmanager
    async def notify(self, clock: SettableClock, **overrides: Any) -> AsyncIterator[LiveServer]:
        settings = self.settings.model_copy(update=overrides)
        async with LiveServer(create_app(settings, clock=clock), settings.port) as server:
            yield server

    async def publish(self, envelope: Envelope) -> None:
        connection = await aio_pika.connect(self.settings.amqp_url)
        async with connection:
            exchange = await declare_exchange(await connection.channel(), self.settings.exchange)
            body = envelope.model_dump_json()
            headers = partition_headers(
                {
                    "body": body,
                    "aggregate_id": envelope.aggregate_id,
                    "aggregate_version": envelope.aggregate_version,
                }
            )
            await exchange.publish(
                aio_pika.Message(
                    body.encode(), headers=headers, delivery_mode=aio_pika.DeliveryMode.PERSISTENT
                ),
                routing_key=envelope.routing_key,
            )

    async def queue_depth(self) -> int:
        """Messages waiting in notify's queue (unacked ones count once their consumer is gone)."""
        connection = await aio_pika.connect(self.settings.amqp_url)
        async with connection:
            channel = await connection.channel()
            total = 0
            for name in consumer_spec(
                self.settings.exchange, "notify", partitions=self.settings.partitions
            ).queues:
                queue = await channel.declare_queue(name, passive=True)
                total += queue.declaration_result.message_count or 0
            return total

    async def behave(self, phone: str, **behaviour: Any) -> None:
        response = await self.http.put(
            f"{self.sandbox_url}/_sandbox/behaviours/{phone}", json=behaviour
        )
        response.raise_for_status()

    async def sandbox(self, what: str = "messages") -> list[dict[str, Any]]:
        return (await self.http.get(f"{self.sandbox_url}/_sandbox/{what}")).json()

    async def sandbox_post(self, path: str, **kwargs: Any) -> dict[str, Any]:
        response = await self.http.post(f"{self.sandbox_url}/_sandbox/{path}", **kwargs)
        response.raise_for_status()
        return response.json()

    async def message_for(self, envelope: Envelope) -> dict[str, Any] | None:
        return await self.db["messages"].find_one({"event_id": str(envelope.event_id)})

    async def wait_status(self, envelope: Envelope, *statuses: str) -> dict[str, Any]:
        async def reached():
            doc = await self.message_for(envelope)
            return doc if doc and doc["status"] in statuses else None

        return await eventually(reached)

    async def wait_sandbox(self, count: int, what: str = "messages") -> list[dict[str, Any]]:
        async def enough():
            items = await self.sandbox(what)
            return items if len(items) >= count else None

        return await eventually(enough)


@pytest_asyncio.fixture
async def harness(
    amqp_url, mongodb_url, exchange_name, db_name, mongo, amqp_cleanup
) -> AsyncIterator[Harness]:
    notify_port = free_port()
    sandbox_settings = SandboxSettings(
        port=free_port(), notify_url=f"http://127.0.0.1:{notify_port}", auto_receipts=False
    )
    async with LiveServer(create_sandbox_app(sandbox_settings), sandbox_settings.port) as sandbox:
        settings = NotifySettings(
            amqp_url=amqp_url,
            mongodb_url=mongodb_url,
            exchange=exchange_name,
            db_name=db_name,
            port=notify_port,
            zalo_base_url=sandbox.url,
            zalo_oauth_url=sandbox.url,
            sms_url=sandbox.url + "/sms/send",
            email_url=sandbox.url + "/email/send",
            dispatch_interval_seconds=0.05,
            http_timeout_seconds=5,
            units_url="",
        )  # units_url="": no intake here to learn units from (tests/security checks it live)
        harness = Harness(settings, sandbox.url, mongo)
        try:
            yield harness
        finally:
            await harness.http.aclose()
