"""Receiving over HTTP: the desk check's three outcomes, bad input, concurrent codes."""

import asyncio
import re
import unicodedata

import httpx
import pytest

from motcua_shared.contract.envelope import parse_envelope

from intake.main import create_app

from .conftest import COPY_CERT, DISABILITY, UNIT, citizen

CODE = re.compile(rf"^{UNIT}-\d{{6}}-\d{{4}}$")


async def test_complete_dossier_gets_code_due_date_and_appointment_slip(intake, event_probe):
    response = await intake.receive(DISABILITY, headers={"X-Correlation-ID": "corr-abc"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert CODE.match(body["code"]) and body["status"] == "received" and body["version"] == 1
    quote = await intake.http.get(
        "/api/v1/calendar/due-date",
        params={"unit": UNIT, "procedure": DISABILITY, "received_at": body["received_at"]},
    )
    assert body["due_date"] == quote.json()["due_date"]
    assert body["slip"]["kind"] == "appointment" and body["slip"]["due_date"] == body["due_date"]
    assert body["slip"]["title"] == "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
    assert body["citizen"]["phone"] == "+84912345678"  # stored E.164
    envelope = parse_envelope((await event_probe.wait_for(1))[0].body)
    assert envelope.event_type == "dossier.received" and envelope.correlation_id == "corr-abc"
    assert envelope.payload.contact.phone == "+84912345678"


async def test_incomplete_dossier_is_not_received_yet(intake, event_probe):
    response = await intake.receive(
        DISABILITY, "incomplete", missing_papers=["Giấy xác nhận khuyết tật cũ"]
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "awaiting_papers" and body["due_at"] is None
    assert body["slip"]["kind"] == "supplement_request"
    envelope = parse_envelope((await event_probe.wait_for(1))[0].body)
    assert (
        envelope.event_type == "dossier.supplement_requested" and envelope.payload.stage == "desk"
    )
    assert envelope.payload.missing_papers == ["Giấy xác nhận khuyết tật cũ"]


async def test_ineligible_dossier_is_refused_with_the_reason(intake, event_probe):
    response = await intake.receive(
        DISABILITY, "ineligible", reason="Không thuộc thẩm quyền của phường"
    )
    assert response.status_code == 201 and response.json()["status"] == "refused_at_desk"
    envelope = parse_envelope((await event_probe.wait_for(1))[0].body)
    assert envelope.event_type == "dossier.refused_at_desk"
    assert envelope.payload.reason == "Không thuộc thẩm quyền của phường"


BAD_INPUT = [
    ({"procedure_code": "9.999999"}, "procedure_code"),
    ({"citizen": citizen(phone="12345")}, "citizen.phone"),
    ({"citizen": citizen(cccd="07920300123")}, "citizen.cccd"),
    (
        {"citizen": citizen(full_name=unicodedata.normalize("NFD", "Nguyễn Văn An"))},
        "citizen.full_name",
    ),
    ({"desk_check": "maybe"}, "desk_check"),
    ({"desk_check": "incomplete"}, "missing_papers"),
    ({"desk_check": "ineligible"}, "reason"),
    ({"channel": "fax"}, "channel"),
    ({"home_service": True, "citizen": citizen(address=None)}, "citizen.address"),
]


@pytest.mark.parametrize(("change", "field"), BAD_INPUT, ids=[f for _, f in BAD_INPUT])
async def test_bad_input_is_422_naming_the_field_and_stores_nothing(intake, change, field):
    before = await intake.counts()
    payload = {"procedure_code": COPY_CERT, "desk_check": "complete", "citizen": citizen()} | change
    response = await intake.http.post("/api/v1/dossiers", json=payload, headers=intake.auth("desk"))
    assert response.status_code == 422, response.text
    body = response.json()
    fields = [e["field"] for e in body.get("errors", [])] + [body.get("field")]
    assert field in fields
    error = next(e for e in body["errors"] if e["field"] == field)
    assert error["reason"] and error["reason_en"] and error["reason"] != error["reason_en"]
    assert await intake.counts() == before


def assert_consecutive(codes: list[str]) -> None:
    assert len(set(codes)) == len(codes)
    by_day: dict[str, list[int]] = {}
    for code in codes:  # a run across local midnight restarts the sequence: check each day
        _, day, sequence = code.split("-")
        by_day.setdefault(day, []).append(int(sequence))
    for sequences in by_day.values():
        assert sorted(sequences) == list(range(1, len(sequences) + 1))


class InFlight:
    """ASGI wrapper counting requests the app is serving at once: proof that they overlapped."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app, self.now, self.peak = app, 0, 0

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        self.now += 1
        self.peak = max(self.peak, self.now)
        try:
            await self.app(scope, receive, send)
        finally:
            self.now -= 1


async def test_fifty_concurrent_receipts_get_fifty_consecutive_codes(intake):
    counted = InFlight(intake.app)
    payload = {"procedure_code": COPY_CERT, "desk_check": "complete", "citizen": citizen()}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=counted), base_url="http://intake"
    ) as http:
        responses = await asyncio.gather(
            *(
                http.post(
                    "/api/v1/dossiers",
                    json=payload,
                    headers=intake.auth("desk", sub=f"desk-{i:02d}"),
                )
                for i in range(50)
            )
        )
    assert [r.status_code for r in responses] == [201] * 50, responses[0].text
    assert counted.peak > 1  # the 50 requests were really in the app at the same time
    assert_consecutive([r.json()["code"] for r in responses])
    assert await intake.db.outbox.count_documents({}) == 50


async def test_two_replicas_receiving_at_once_share_one_gap_free_sequence(intake):
    """A second intake on the same database: only the transaction keeps the codes apart."""
    replica = create_app(intake.settings.model_copy(update={"seed_demo": False}))
    async with replica.router.lifespan_context(replica):
        transport = httpx.ASGITransport(app=replica)
        async with httpx.AsyncClient(transport=transport, base_url="http://replica") as other:
            payload = {"procedure_code": COPY_CERT, "desk_check": "complete", "citizen": citizen()}
            responses = await asyncio.gather(
                *(
                    (intake.http if i % 2 else other).post(
                        "/api/v1/dossiers", json=payload, headers=intake.auth("desk")
                    )
                    for i in range(30)
                )
            )
    assert [r.status_code for r in responses] == [201] * 30
    assert_consecutive([r.json()["code"] for r in responses])
    assert await intake.db.dossiers.count_documents({}) == 30


async def test_unit_in_body_must_be_the_officers(intake):
    response = await intake.receive(COPY_CERT, unit_code="31261")
    assert response.status_code == 403
    assert (await intake.counts())["dossiers"] == 0
