"""Issue 14.2: tokens. A token signed with the right secret was accepted whatever its roles
(`superuser`), its lifetime (ten years), its issuer and audience, and its unit. Each service
now refuses (401) all of these, and still accepts a proper officer's token."""

from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest

from .kit import UNIT

DAY = datetime.now(UTC).date().isoformat()


def _officer_reads(system, unit: str) -> dict[str, str]:
    """One officer-only read per service, for `unit`."""
    return {
        "intake": f"{system.urls['intake']}/api/v1/dossiers/{unit}-000000-0000",
        "notify": f"{system.urls['notify']}/api/v1/dossiers/{unit}-000000-0000/messages",
        "survey": f"{system.urls['survey']}/api/v1/units/{unit}/tally?month={DAY[:7]}",
        "reporting": f"{system.urls['reporting']}/api/v1/reports/one-stop"
        f"?unit={unit}&from={DAY}&to={DAY}",
    }


def mint(
    secret: str,
    sub: str,
    unit: str,
    roles: list[str],
    *,
    hours: float = 8,
    issuer: str | None = "motcua",
    audience: str | None = "motcua",
) -> str:
    """What anyone holding the key can sign, with PyJWT (as motcua_shared.web.auth.mint_token does);
    issuer and audience None: a token as the services accepted them before (no iss, no aud)."""
    now = datetime.now(UTC)
    claims = {
        "sub": sub,
        "unit": unit,
        "roles": roles,
        "iat": now,
        "exp": now + timedelta(hours=hours),
        "iss": issuer,
        "aud": audience,
    }
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, secret, algorithm="HS256")


def _get(url: str, token: str) -> httpx.Response:
    return httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=15)


FORGED = {
    "an unknown role": dict(roles=["superuser"]),
    "a known role beside an unknown one": dict(roles=["leader", "superuser"]),
    "a ten-year lifetime": dict(hours=24 * 3650),
    "another issuer": dict(issuer="someone-else"),
    "another audience": dict(audience="another-system"),
    "an unknown unit": dict(unit="99999"),
    "every unit for an officer": dict(unit="*"),
}


@pytest.mark.parametrize("forgery", FORGED)
@pytest.mark.parametrize("service", ["intake", "notify", "survey", "reporting"])
def test_a_forged_token_is_refused_by_every_service(system, service, forgery):
    claims = {"sub": "ld01", "unit": UNIT, "roles": ["leader"]} | FORGED[forgery]
    unit = claims.pop("unit")
    url = _officer_reads(system, unit if unit != "*" else UNIT)[service]
    # the forgery as it worked before (no iss/aud), and with a proper issuer and audience
    for extra in ({"issuer": None, "audience": None}, {}):
        answer = _get(url, mint(system.env["JWT_SECRET"], unit=unit, **(claims | extra)))
        assert answer.status_code == 401, (forgery, extra, answer.status_code, answer.text)
        assert answer.json()["message"] and answer.json()["message_en"]


@pytest.mark.parametrize("service", ["intake", "notify", "survey", "reporting"])
def test_a_proper_officer_token_is_still_accepted(system, service):
    token = mint(system.env["JWT_SECRET"], "ld01", UNIT, ["leader"])
    answer = _get(_officer_reads(system, UNIT)[service], token)
    assert answer.status_code == (404 if service == "intake" else 200), (
        answer.text
    )  # intake: no such dossier


def test_a_system_token_reads_the_event_logs_and_an_officer_cannot(system):
    secret = system.env["JWT_SECRET"]
    for service in ("intake", "survey", "notify"):
        url = f"{system.urls[service]}/api/v1/events"
        assert _get(url, mint(secret, "reporting-rebuild", "*", ["system"])).status_code == 200
        assert _get(url, mint(secret, "x", "*", ["system"], hours=24 * 365)).status_code == 401
