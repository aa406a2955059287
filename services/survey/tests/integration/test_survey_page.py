"""The citizen's page: one answer only; used, expired and unknown links get a friendly page."""

import unicodedata
from datetime import timedelta

from motcua_shared.testing.plugin import eventually

from .conftest import PUBLIC_URL

COMMENT = "Chị Lan hướng dẫn rất tận tình, cảm ơn phường."


async def _link(survey, publish, returned, event_probe, events_of, code="D-0001") -> str:
    await publish(returned(code))

    async def opened():
        return [
            e
            for e in events_of(event_probe, "survey.opened")
            if e["payload"]["dossier_code"] == code
        ]

    event = (await eventually(opened))[0]
    return event["payload"]["survey_url"].removeprefix(PUBLIC_URL)


async def test_a_citizen_answers_once_and_a_second_answer_is_refused(
    survey, publish, returned, event_probe, events_of
):
    path = await _link(survey, publish, returned, event_probe, events_of)

    page = await survey.http.get(path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for label in (
        "Không hài lòng",
        "Hài lòng",
        "Rất hài lòng",
        "D-0001",
        "Cấp bản sao trích lục hộ tịch",
    ):
        assert label in page.text
    assert page.headers["referrer-policy"] == "no-referrer"

    answered = await survey.http.post(path, data={"level": "very_satisfied", "comment": COMMENT})
    assert answered.status_code == 200 and "Cảm ơn" in answered.text

    again = await survey.http.post(path, data={"level": "unsatisfied"})
    assert again.status_code == 409 and "đã được đánh giá" in again.text
    assert (await survey.http.get(path)).status_code == 409

    doc = await survey.survey_of("D-0001")
    assert doc["answer"]["level"] == "very_satisfied" and doc["answer"]["comment"] == COMMENT
    assert doc["answer"]["channel"] == "online"

    answers = await eventually(lambda: _answered(event_probe, events_of))
    assert len(answers) == 1
    payload = answers[0]["payload"]
    assert payload["level"] == "very_satisfied" and payload["answer_channel"] == "online"
    assert payload["dossier_code"] == "D-0001" and payload["officer_id"] == "desk-lan"
    assert payload["procedure_code"] == "1.001193" and payload["field_code"] == "ho-tich"
    assert (
        payload["unit_name"] == "UBND phường Bình Thạnh" and answers[0]["unit_code"] == "79-27100"
    )
    assert "contact" not in payload and "comment" not in payload


async def test_no_event_carries_the_comment_or_personal_data_beyond_the_opened_contact(
    survey, publish, returned, event_probe, events_of
):
    path = await _link(survey, publish, returned, event_probe, events_of)
    await survey.http.post(path, data={"level": "unsatisfied", "comment": COMMENT})
    await eventually(lambda: _answered(event_probe, events_of))

    bodies = {
        m.routing_key: m.body.decode()
        for m in event_probe.messages
        if m.routing_key.startswith("survey.")
    }
    assert set(bodies) == {"survey.opened", "survey.answered"}
    assert all("tận tình" not in body for body in bodies.values())
    assert (
        "0912345678" not in bodies["survey.answered"] and "contact" not in bodies["survey.answered"]
    )
    assert bodies["survey.opened"].count("912345678") == 1  # only inside `contact`, for notify


async def test_an_expired_link_is_refused_with_a_friendly_page(
    survey, publish, returned, event_probe, events_of, clock
):
    path = await _link(survey, publish, returned, event_probe, events_of)
    clock.advance(timedelta(days=7))

    assert (await survey.http.get(path)).status_code == 410
    refused = await survey.http.post(path, data={"level": "satisfied"})
    assert refused.status_code == 410 and "hết hạn" in refused.text
    assert (await survey.survey_of("D-0001"))["answer"] is None


async def test_unknown_links_and_bad_forms_get_friendly_pages(
    survey, publish, returned, event_probe, events_of
):
    unknown = await survey.http.get("/s/not-a-real-token")
    assert (
        unknown.status_code == 404
        and "Không tìm thấy" in unknown.text
        and "Traceback" not in unknown.text
    )
    assert (
        await survey.http.post("/s/not-a-real-token", data={"level": "satisfied"})
    ).status_code == 404

    path = await _link(survey, publish, returned, event_probe, events_of)
    for form in ({}, {"level": "perfect"}, {"level": "satisfied", "comment": "x" * 1001}):
        bad = await survey.http.post(path, data=form)
        assert bad.status_code == 422 and "text/html" in bad.headers["content-type"]
        assert 'class="errors"' in bad.text
    assert (await survey.survey_of("D-0001"))["answer"] is None
    # Typed on a keyboard that sends decomposed (NFD) text: the form normalises it and accepts it.
    ok = await survey.http.post(
        path, data={"level": "satisfied", "comment": unicodedata.normalize("NFD", "Cảm ơn")}
    )
    assert ok.status_code == 200
    assert (await survey.survey_of("D-0001"))["answer"]["comment"] == "Cảm ơn"


async def _answered(probe, events_of):
    return events_of(probe, "survey.answered")
