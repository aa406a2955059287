"""The outbox as an event log: system tokens only, write order, paging, no personal data."""

from datetime import UTC, datetime

import httpx
from fastapi import FastAPI

from motcua_shared.contract.dossier_events import DossierRefusedAtDesk
from motcua_shared.contract.envelope import Envelope, parse_envelope
from motcua_shared.contract.event_base import CitizenContact
from motcua_shared.messaging.outbox import Outbox
from motcua_shared.web.api_errors import install_error_handlers
from motcua_shared.web.auth import bearer_principal, mint_token
from motcua_shared.web.event_log import event_log_router

SECRET = "test-secret-0123456789-0123456789-abcdef"


def _refused(code: str) -> Envelope:
    payload = DossierRefusedAtDesk(
        unit_name="UBND xã Cờ Đỏ",
        province_code="92",
        procedure_code="2.000815",
        procedure_name="Chứng thực bản sao",
        field_code="chung-thuc",
        channel="direct",
        status="refused_at_desk",
        officer_id="desk01",
        reason="Không thuộc thẩm quyền",
        contact=CitizenContact(phone="+84912345678", consent=True),
    )
    return Envelope.wrap(
        payload,
        aggregate_id=code,
        aggregate_version=1,
        unit_code="31261",
        correlation_id=code,
        occurred_at=datetime.now(UTC),
    )


async def test_event_log_pages_in_order_without_contact(mongo):
    outbox = Outbox(mongo["outbox"])
    written = [_refused(f"31261-261125-000{i}") for i in range(1, 4)]
    for envelope in written:
        await outbox.add(envelope)
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(event_log_router(lambda: outbox, bearer_principal(SECRET)))
    system = {"Authorization": "Bearer " + mint_token(SECRET, "rebuild", "*", ["system"])}
    desk = {"Authorization": "Bearer " + mint_token(SECRET, "desk01", "31261", ["desk"])}

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        assert (await client.get("/api/v1/events")).status_code == 401
        assert (await client.get("/api/v1/events", headers=desk)).status_code == 403
        first = (await client.get("/api/v1/events", params={"limit": 2}, headers=system)).json()
        rest = (
            await client.get("/api/v1/events", params={"after": first["next"]}, headers=system)
        ).json()

    events = [parse_envelope(body) for body in first["events"] + rest["events"]]
    assert [e.event_id for e in events] == [e.event_id for e in written]
    assert all(e.payload.contact.phone is None for e in events)
