"""Bearer tokens, roles and unit scoping."""

import pytest

from motcua_shared.web.auth import mint_token

from .conftest import DISABILITY, OTHER_UNIT


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer not-a-jwt", "Basic abc"])
async def test_missing_or_bad_token_is_401(intake, header):
    headers = {"Authorization": header} if header else {}
    response = await intake.http.post("/api/v1/dossiers", json={}, headers=headers)
    assert response.status_code == 401
    assert response.json()["message"] and response.headers["www-authenticate"] == "Bearer"


async def test_token_signed_with_another_key_is_401(intake):
    token = mint_token("another-secret-another-secret-0123456789", "desk-01", "26734", ["desk"])
    response = await intake.http.get(
        "/api/v1/dossiers/x", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401


async def test_officer_of_another_unit_is_403(intake):
    code = (await intake.receive(DISABILITY)).json()["code"]
    before = await intake.counts()
    for action, role, body in [
        ("hand-over", "specialist", {"to_officer_id": "x", "step": "chuyen-mon"}),
        ("withdraw", "desk", {}),
    ]:
        assert (await intake.act(code, action, role, body, unit=OTHER_UNIT)).status_code == 403
    response = await intake.http.get(
        f"/api/v1/dossiers/{code}", headers=intake.auth("desk", unit=OTHER_UNIT)
    )
    assert response.status_code == 403
    assert await intake.counts() == before


@pytest.mark.parametrize(
    ("action", "role", "body"),
    [
        ("hand-over", "admin", {"to_officer_id": "x", "step": "chuyen-mon"}),
        ("resolve", "desk", {"outcome": "approved"}),
        ("return", "specialist", {"method": "at_desk"}),
        ("withdraw", "leader", {}),
        ("supply-papers", "admin", {}),
    ],
)
async def test_wrong_role_is_403(intake, action, role, body):
    code = (await intake.receive(DISABILITY)).json()["code"]
    response = await intake.act(code, action, role, body)
    assert response.status_code == 403 and response.json()["error"] == "forbidden_role"


async def test_only_desk_receives(intake):
    response = await intake.http.post(
        "/api/v1/dossiers", json={}, headers=intake.auth("specialist")
    )
    assert response.status_code == 403


async def test_event_log_needs_the_system_role(intake):
    await intake.receive(DISABILITY)
    assert (
        await intake.http.get("/api/v1/events", headers=intake.auth("admin"))
    ).status_code == 403
    response = await intake.http.get(
        "/api/v1/events", headers=intake.auth("system", sub="reporting")
    )
    assert response.status_code == 200
    assert [e["event_type"] for e in response.json()["events"]] == ["dossier.received"]
