"""The citizen's public look-up: no personal data; wrong digits look like an unknown code;
repeated failures are refused (429) by a counter kept in MongoDB."""

from .conftest import DISABILITY


async def test_look_up_shows_progress_without_personal_data(intake):
    code = (await intake.receive(DISABILITY)).json()["code"]
    response = await intake.http.get(
        f"/api/v1/public/dossiers/{code}", params={"phone_last4": "5678"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "received" and body["due_date"]
    assert (
        body["procedure"]["code"] == DISABILITY and body["unit"]["name"] == "UBND phường Tân Định"
    )
    text = response.text
    for personal in ("Nguyễn", "0912", "912345678", "079203001234", "Trần Quang Khải"):
        assert personal not in text


async def test_wrong_digits_answer_exactly_like_an_unknown_code(intake):
    code = (await intake.receive(DISABILITY)).json()["code"]
    unknown = await intake.http.get(
        "/api/v1/public/dossiers/26734-990101-0001", params={"phone_last4": "5678"}
    )
    wrong = await intake.http.get(f"/api/v1/public/dossiers/{code}", params={"phone_last4": "1234"})
    missing = await intake.http.get(f"/api/v1/public/dossiers/{code}")
    odd = await intake.http.get(f"/api/v1/public/dossiers/{code}", params={"phone_last4": "x" * 40})
    assert unknown.status_code == wrong.status_code == missing.status_code == odd.status_code == 404
    assert unknown.content == wrong.content == missing.content == odd.content


async def test_repeated_failures_are_rate_limited(intake):
    code = (await intake.receive(DISABILITY)).json()["code"]
    limit = intake.settings.lookup_max_failures
    for _ in range(limit):
        response = await intake.http.get(
            f"/api/v1/public/dossiers/{code}", params={"phone_last4": "0000"}
        )
        assert response.status_code == 404
    blocked = await intake.http.get(
        f"/api/v1/public/dossiers/{code}", params={"phone_last4": "5678"}
    )
    assert blocked.status_code == 429 and blocked.headers["retry-after"]
    assert blocked.json()["message"] and blocked.json()["message_en"]
    assert await intake.db.lookup_failures.count_documents({}) == limit
    indexes = await intake.db.lookup_failures.index_information()
    assert any("expireAfterSeconds" in spec for spec in indexes.values())
