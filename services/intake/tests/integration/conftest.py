"""Intake started through its own wiring (create_app + lifespan) on the real broker and the
real Mongo-wire server, driven over HTTP (httpx ASGI transport)."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest_asyncio
from fastapi import FastAPI
from pymongo.asynchronous.database import AsyncDatabase

from motcua_shared.web.auth import mint_token

from intake.main import create_app
from intake.settings import IntakeSettings

UNIT = "26734"  # UBND phường Tân Định (demo data)
OTHER_UNIT = "31261"  # UBND xã Cờ Đỏ
COPY_CERT = "2.000843"  # certification of copies: same day, 15:00 cut-off
DISABILITY = "1.001699"  # 5 working days
BIRTH_3_IN_1 = "LT-KS-TT-BHYT"


def citizen(**overrides: Any) -> dict[str, Any]:
    return {
        "full_name": "Nguyễn Văn An",
        "cccd": "079203001234",
        "phone": "0912 345 678",
        "address": "12 Trần Quang Khải, phường Tân Định",
        "consent": True,
        "preferred_channel": "zalo",
    } | overrides


@dataclass
class Intake:
    app: FastAPI
    http: httpx.AsyncClient
    settings: IntakeSettings
    db: AsyncDatabase

    def auth(self, *roles: str, unit: str = UNIT, sub: str | None = None) -> dict[str, str]:
        token = mint_token(self.settings.jwt_secret, sub or f"{roles[0]}-01", unit, list(roles))
        return {"Authorization": f"Bearer {token}"}

    async def receive(
        self,
        procedure: str = DISABILITY,
        desk_check: str = "complete",
        unit: str = UNIT,
        headers: dict[str, str] | None = None,
        **body: Any,
    ) -> httpx.Response:
        payload = {
            "procedure_code": procedure,
            "desk_check": desk_check,
            "citizen": citizen(),
        } | body
        return await self.http.post(
            "/api/v1/dossiers", json=payload, headers=self.auth("desk", unit=unit) | (headers or {})
        )

    async def act(
        self,
        code: str,
        action: str,
        role: str = "specialist",
        body: dict[str, Any] | None = None,
        unit: str = UNIT,
    ) -> httpx.Response:
        return await self.http.post(
            f"/api/v1/dossiers/{code}/{action}", json=body or {}, headers=self.auth(role, unit=unit)
        )

    async def counts(self) -> dict[str, int]:
        return {
            name: await self.db[name].count_documents({})
            for name in ("dossiers", "outbox", "counters")
        }


@pytest_asyncio.fixture
async def intake(
    amqp_url: str,
    mongodb_url: str,
    exchange_name: str,
    db_name: str,
    mongo: AsyncDatabase,
    amqp_cleanup: None,
) -> AsyncIterator[Intake]:
    settings = IntakeSettings(
        amqp_url=amqp_url,
        mongodb_url=mongodb_url,
        exchange=exchange_name,
        db_name=db_name,
        relay_poll_interval=0.2,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as http:
            yield Intake(app, http, settings, mongo)
