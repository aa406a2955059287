"""QR verification tokens: valid, unknown and tampered told apart, the public page shows only
the allowed facts, keys rotate, every check is counted."""

import pytest

from intake.adapters.signing import TokenSigner, parse_keys

from .conftest import DISABILITY


async def tokens(intake, code: str) -> dict:
    response = await intake.http.get(
        f"/api/v1/dossiers/{code}/verification", headers=intake.auth("desk")
    )
    assert response.status_code == 200
    return response.json()


async def test_a_slip_and_a_result_verify_and_show_nothing_personal(intake):
    code = (await intake.receive(DISABILITY)).json()["code"]
    issued = await tokens(intake, code)
    assert issued["slip_token"] and issued["result_token"] is None  # no result yet
    view = (await intake.http.get(f"/api/v1/dossiers/{code}", headers=intake.auth("desk"))).json()
    assert view["verification"]["slip_token"] == issued["slip_token"]
    slip = await intake.http.get(f"/api/v1/public/verify/{issued['slip_token']}")
    assert slip.status_code == 200
    body = slip.json()
    assert body["outcome"] == "valid" and body["kind"] == "slip" and body["code"] == code
    assert body["citizen_initials"] == "N.V.A." and body["unit"] == "UBND phường Tân Định"
    for personal in ("Nguyễn", "0912", "079203001234", "Trần Quang Khải"):
        assert personal not in slip.text
    await intake.act(code, "resolve", body={"outcome": "approved"})
    result_token = (await tokens(intake, code))["result_token"]
    page = await intake.http.get(f"/xac-minh/{result_token}")
    assert page.status_code == 200 and "Giấy tờ hợp lệ" in page.text and code in page.text
    assert "Kết quả giải quyết" in page.text and "Nguyễn" not in page.text
    assert 'name="viewport"' in page.text


async def test_tampered_and_unknown_tokens_are_told_apart(intake):
    code = (await intake.receive(DISABILITY)).json()["code"]
    token = (await tokens(intake, code))["slip_token"]
    kid, _, body = token.partition(".")
    forged = f"{kid}.{body[:-2]}{'AA' if not body.endswith('AA') else 'BB'}"
    tampered = await intake.http.get(f"/api/v1/public/verify/{forged}")
    assert tampered.status_code == 400 and tampered.json()["outcome"] == "tampered"
    assert tampered.json()["message"] and tampered.json()["message_en"]
    unknown_key = await intake.http.get(f"/api/v1/public/verify/zz.{body}")
    assert unknown_key.status_code == 400
    settings = intake.settings
    signer = TokenSigner(
        parse_keys(settings.verify_keys, settings.jwt_secret, settings.public_url), "motcua-verify"
    )
    unknown = await intake.http.get(
        f"/api/v1/public/verify/{signer.sign(['26734-990101-0001', 's'])}"
    )
    assert unknown.status_code == 404 and unknown.json()["outcome"] == "unknown"
    page = await intake.http.get(f"/xac-minh/{forged}")
    assert page.status_code == 400 and "giả mạo" in page.text
    counted = (await intake.http.get("/api/v1/verifications", headers=intake.auth("leader"))).json()
    assert {row["outcome"]: row["count"] for row in counted["verifications"]} == {
        "tampered": 3,
        "unknown": 1,
    }
    assert (
        await intake.http.get("/api/v1/verifications", headers=intake.auth("desk"))
    ).status_code == 403


def test_keys_rotate_and_production_needs_its_own():
    old = TokenSigner([("k1", "a" * 32)], "motcua-verify")
    token = old.sign(["X", "s"])
    rotated = TokenSigner([("k2", "b" * 32), ("k1", "a" * 32)], "motcua-verify")
    assert rotated.unsign(token) == ["X", "s"] and rotated.sign(["X", "s"]).startswith("k2.")
    assert parse_keys("", "any-jwt-secret", "http://127.0.0.1:8001")[0][0] == "dev"  # development
    with pytest.raises(RuntimeError, match="INTAKE_VERIFY_KEYS"):
        parse_keys(
            "", "any-jwt-secret", "https://motcua.example.gov.vn"
        )  # a deployment: its own keys
    with pytest.raises(RuntimeError, match="32"):
        parse_keys("k1:short", "any-jwt-secret", "https://motcua.example.gov.vn")
    assert parse_keys("k2:" + "b" * 32 + ", k1:" + "a" * 32, "x", "https://x.vn") == [
        ("k2", "b" * 32),
        ("k1", "a" * 32),
    ]
