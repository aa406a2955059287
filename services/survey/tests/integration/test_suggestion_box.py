"""The suggestion box: anonymous, flood-limited, read by the unit's leader only."""

from motcua_shared.testing.plugin import eventually

from ..conftest import UNIT

TEXT = "Cán bộ tiếp nhận đòi thêm tiền ngoài lệ phí."


async def test_notes_are_stored_without_the_sender_and_listed_for_the_leader(
    survey, event_probe, events_of
):
    form = await survey.http.get(f"/hop-thu/{UNIT}")
    assert form.status_code == 200 and "Hòm thư góp ý" in form.text

    sent = await survey.http.post(
        f"/hop-thu/{UNIT}", data={"text": TEXT, "officer": "desk-lan", "contact": ""}
    )
    assert sent.status_code == 200 and "Cảm ơn" in sent.text
    api = await survey.http.post(
        f"/api/v1/units/{UNIT}/suggestions", json={"text": "Nên có thêm ghế chờ."}
    )
    assert api.status_code == 201 and api.json()["suggestion_id"]

    listing_url = f"/api/v1/units/{UNIT}/suggestions"
    assert (await survey.http.get(listing_url)).status_code == 401
    assert (
        await survey.http.get(listing_url, headers=survey.token("desk-lan", UNIT, "desk"))
    ).status_code == 403
    assert (
        await survey.http.get(listing_url, headers=survey.token("b", "79-99999", "leader"))
    ).status_code == 403
    listing = await survey.http.get(listing_url, headers=survey.token("boss", UNIT, "leader"))
    assert listing.status_code == 200
    notes = listing.json()["suggestions"]
    assert sorted(n["text"] for n in notes) == sorted(["Nên có thêm ghế chờ.", TEXT])
    assert next(n for n in notes if n["text"] == TEXT)["officer"] == "desk-lan"
    assert all(n["contact"] is None for n in notes)

    stored = await survey.db["suggestions"].find().to_list()
    assert all("203.0.113.7" not in str(doc) for doc in stored)
    hits = await survey.db["suggestion_hits"].find().to_list()
    assert len(hits) == 2 and all("203.0.113.7" not in str(hit) for hit in hits)

    events = await eventually(lambda: _submitted(event_probe, events_of, 2))
    for event in events:
        assert set(event["payload"]) == {"suggestion_id", "officer_id", "submitted_at"}
        assert event["unit_code"] == UNIT


async def test_a_flood_is_limited_per_client(survey):
    for i in range(5):
        assert (
            await survey.http.post(f"/hop-thu/{UNIT}", data={"text": f"Góp ý {i}"})
        ).status_code == 200
    flooded = await survey.http.post(f"/hop-thu/{UNIT}", data={"text": "Góp ý 6"})
    assert flooded.status_code == 429 and "thử lại sau" in flooded.text
    api = await survey.http.post(f"/api/v1/units/{UNIT}/suggestions", json={"text": "Góp ý 7"})
    assert api.status_code == 429 and api.json()["error"] == "too_many_suggestions"
    assert await survey.db["suggestions"].count_documents({}) == 5


async def test_bad_notes_are_refused_and_nothing_is_stored(survey):
    for form in ({"text": "   "}, {"text": "x" * 2001}, {"text": "ok", "officer": "y" * 101}):
        bad = await survey.http.post(f"/hop-thu/{UNIT}", data=form)
        assert bad.status_code == 422 and 'class="errors"' in bad.text
    bad = await survey.http.post(f"/api/v1/units/{UNIT}/suggestions", json={"text": ""})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "text"
    unknown = await survey.http.get("/hop-thu/bad%20unit")
    assert unknown.status_code == 404 and "text/html" in unknown.headers["content-type"]
    assert (
        await survey.http.post("/api/v1/units/bad%20unit/suggestions", json={"text": "ok"})
    ).status_code == 422
    assert await survey.db["suggestions"].count_documents({}) == 0


async def _submitted(probe, events_of, count):
    found = events_of(probe, "survey.suggestion_submitted")
    return found if len(found) >= count else None
