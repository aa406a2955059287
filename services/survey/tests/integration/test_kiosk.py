"""The desk's kiosk records the answer with a desk officer's token of the dossier's unit."""

import asyncio

from motcua_shared.testing.plugin import eventually

from ..conftest import UNIT

URL = "/api/v1/kiosk/dossiers/D-0001/answer"


async def test_kiosk_answer_needs_a_desk_token_of_that_unit(
    survey, publish, returned, event_probe, events_of
):
    await publish(returned("D-0001"))
    await survey.survey_of("D-0001")
    body = {"level": "satisfied", "comment": "Nhanh gọn"}

    assert (await survey.http.post(URL, json=body)).status_code == 401
    other_unit = await survey.http.post(
        URL, json=body, headers=survey.token("desk-x", "79-99999", "desk")
    )
    assert other_unit.status_code == 403 and other_unit.json()["message_en"]
    leader = await survey.http.post(URL, json=body, headers=survey.token("boss", UNIT, "leader"))
    assert leader.status_code == 403
    assert (await survey.survey_of("D-0001"))["answer"] is None

    desk = survey.token("desk-lan", UNIT, "desk")
    recorded = await survey.http.post(URL, json=body, headers=desk)
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["answer_channel"] == "kiosk" and recorded.json()["level"] == "satisfied"

    second = await survey.http.post(URL, json={"level": "unsatisfied"}, headers=desk)
    assert second.status_code == 409 and second.json()["error"] == "survey_already_answered"

    doc = await survey.survey_of("D-0001")
    assert doc["answer"]["answered_by"] == "desk-lan" and doc["answer"]["level"] == "satisfied"
    answered = await eventually(lambda: _answered(event_probe, events_of))
    assert (
        answered[0]["payload"]["answer_channel"] == "kiosk"
        and "comment" not in answered[0]["payload"]
    )


async def test_kiosk_refuses_bad_input_and_unknown_dossiers(survey, publish, returned):
    desk = survey.token("desk-lan", UNIT, "desk")
    missing = await survey.http.post(
        "/api/v1/kiosk/dossiers/D-NONE/answer", json={"level": "satisfied"}, headers=desk
    )
    assert missing.status_code == 404 and missing.json()["error"] == "survey_not_found"

    await publish(returned("D-0001"))
    await survey.survey_of("D-0001")
    bad = await survey.http.post(URL, json={"level": "great", "tip": 1}, headers=desk)
    assert bad.status_code == 422
    fields = {e["field"]: e for e in bad.json()["errors"]}
    assert (
        set(fields) == {"level", "tip"}
        and fields["level"]["reason"]
        and fields["level"]["reason_en"]
    )
    not_nfc = await survey.http.post(
        URL, json={"level": "satisfied", "comment": "Cảm ơn".replace("ả", "a\u0309")}, headers=desk
    )
    assert not_nfc.status_code == 422 and not_nfc.json()["errors"][0]["field"] == "comment"
    assert (await survey.survey_of("D-0001"))["answer"] is None


async def _answered(probe, events_of):
    return events_of(probe, "survey.answered")


async def test_two_answers_at_once_record_exactly_one(survey, publish, returned):
    await publish(returned("D-0001"))
    doc = await survey.survey_of("D-0001")
    kiosk, online = await asyncio.gather(
        survey.http.post(
            URL, json={"level": "satisfied"}, headers=survey.token("desk-lan", UNIT, "desk")
        ),
        survey.http.post(f"/s/{doc['token']}", data={"level": "unsatisfied"}),
    )
    assert sorted([kiosk.status_code == 201, online.status_code == 200]) == [False, True]
    assert 409 in (kiosk.status_code, online.status_code)
    # The answer and its event are written in one transaction: exactly one of each.
    assert await survey.db["outbox"].count_documents({"routing_key": "survey.answered"}) == 1
    stored = await survey.survey_of("D-0001")
    assert stored["answer"]["channel"] == ("kiosk" if kiosk.status_code == 201 else "online")
