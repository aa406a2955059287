"""Follow-ups on the real broker and Mongo-wire server: opened with the answer or the note in one
transaction, answered once by the unit's leader, the contact gone once the citizen is told."""

import asyncio
from datetime import timedelta

from motcua_shared.testing.plugin import eventually

from ..conftest import PHONE, UNIT
from .conftest import PUBLIC_URL

LEADER_URL = f"/api/v1/units/{UNIT}/follow-ups"


def _published(probe, events_of, routing_key):
    async def check():
        return events_of(probe, routing_key) or None

    return check


async def _answer_unhappily(survey, publish, returned, event_probe, events_of, code: str) -> None:
    await publish(returned(code))

    async def opened():
        return [
            e
            for e in events_of(event_probe, "survey.opened")
            if e["payload"]["dossier_code"] == code
        ]

    link = (await eventually(opened))[0]["payload"]["survey_url"].removeprefix(PUBLIC_URL)
    doc = await survey.survey_of(code)
    kept = await survey.db["survey_contacts"].find_one({"_id": doc["_id"]})
    assert (
        kept["phone"] == PHONE
        and kept["consent"] is True
        and kept["expires_at"] == doc["expires_at"]
    )
    ttl = await survey.db["survey_contacts"].index_information()
    assert any(
        i.get("expireAfterSeconds") == 0 and i["key"] == [("expires_at", 1)] for i in ttl.values()
    )
    answered = await survey.http.post(
        link, data={"level": "unsatisfied", "comment": "Phải đi lại ba lần"}
    )
    assert answered.status_code == 200
    assert await survey.db["survey_contacts"].count_documents({}) == 0  # answered: no longer needed


async def test_an_unhappy_answer_is_followed_up_and_answered_once(
    survey, publish, returned, event_probe, events_of, clock
):
    await _answer_unhappily(survey, publish, returned, event_probe, events_of, "D-0101")
    stored = await survey.db["follow_ups"].find_one({"dossier_code": "D-0101"})
    assert stored["contact"]["phone"] == PHONE and stored["answered"] is False
    opened = await eventually(_published(event_probe, events_of, "feedback.opened"))
    assert opened[0]["aggregate_id"] == stored["_id"] and "contact" not in opened[0]["payload"]
    assert opened[0]["payload"]["source"] == "survey" and opened[0]["unit_code"] == UNIT

    leader = survey.token("boss", UNIT, "leader")
    assert (await survey.http.get(LEADER_URL)).status_code == 401
    assert (
        await survey.http.get(LEADER_URL, headers=survey.token("desk-lan", UNIT, "desk"))
    ).status_code == 403
    other = await survey.http.get(LEADER_URL, headers=survey.token("b", "79-99999", "leader"))
    assert other.status_code == 403 and other.json()["message_en"]
    listing = (await survey.http.get(LEADER_URL, headers=leader)).json()["follow_ups"]
    assert [
        (f["dossier_code"], f["feedback"], f["tells_citizen"], f["overdue"]) for f in listing
    ] == [("D-0101", "Phải đi lại ba lần", True, False)]

    url = f"{LEADER_URL}/{stored['_id']}/response"
    empty = await survey.http.post(url, json={"action": "  "}, headers=leader)
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "action"
    assert empty.json()["errors"][0]["reason"] == "Vui lòng ghi kết quả xử lý"
    elsewhere = await survey.http.post(
        f"/api/v1/units/79-99999/follow-ups/{stored['_id']}/response",
        json={"action": "x"},
        headers=survey.token("b", "79-99999", "leader"),
    )
    assert elsewhere.status_code == 404 and elsewhere.json()["field"] == "follow_up_id"
    foreign = await survey.http.post(
        url, json={"action": "x"}, headers=survey.token("b", "79-99999", "leader")
    )
    assert foreign.status_code == 403
    assert (
        await survey.db["follow_ups"].find_one({"_id": stored["_id"]})
    ) == stored  # refusals changed nothing

    clock.advance(timedelta(days=1))
    done = await survey.http.post(
        url, json={"action": "Đã gọi điện xin lỗi và hướng dẫn lại"}, headers=leader
    )
    assert done.status_code == 201
    body = done.json()
    assert (
        body["answered_on_time"] is True
        and body["answered_by"] == "boss"
        and body["tells_citizen"] is True
    )
    after = await survey.db["follow_ups"].find_one({"_id": stored["_id"]})
    assert (
        after["contact"] is None
        and after["response"]["action"] == "Đã gọi điện xin lỗi và hướng dẫn lại"
    )
    answered = await eventually(_published(event_probe, events_of, "feedback.answered"))
    assert (
        answered[0]["payload"]["contact"]["phone"] == PHONE
        and answered[0]["payload"]["on_time"] is True
    )

    again = await survey.http.post(url, json={"action": "lần hai"}, headers=leader)
    assert again.status_code == 409 and again.json()["error"] == "follow_up_already_answered"
    assert (await survey.http.get(LEADER_URL, headers=leader)).json()["follow_ups"] == []
    answered_list = (await survey.http.get(f"{LEADER_URL}?status=answered", headers=leader)).json()[
        "follow_ups"
    ]
    assert [f["follow_up_id"] for f in answered_list] == [stored["_id"]]


async def test_a_suggestion_with_a_contact_is_followed_up_and_its_contact_erased_when_answered(
    survey, event_probe, events_of
):
    anonymous = await survey.http.post(f"/hop-thu/{UNIT}", data={"text": "Cán bộ đòi thêm tiền"})
    assert anonymous.status_code == 200
    signed = await survey.http.post(
        f"/hop-thu/{UNIT}",
        data={"text": "Xin thêm ghế chờ", "contact": "0912 345 678", "consent": "true"},
    )
    assert signed.status_code == 200
    assert await survey.db["follow_ups"].count_documents({}) == 1
    stored = await survey.db["follow_ups"].find_one({})
    assert stored["source"] == "suggestion" and stored["contact"]["phone"] == PHONE
    anonymous_doc = await survey.db["suggestions"].find_one({"text": "Cán bộ đòi thêm tiền"})
    assert anonymous_doc["contact"] is None and "203.0.113.7" not in str(anonymous_doc)

    leader = survey.token("boss", UNIT, "leader")
    url = f"{LEADER_URL}/{stored['_id']}/response"
    racing = await asyncio.gather(
        survey.http.post(url, json={"action": "Đã bổ sung 10 ghế"}, headers=leader),
        survey.http.post(url, json={"action": "Đã bổ sung 12 ghế"}, headers=leader),
    )
    assert sorted(r.status_code for r in racing) == [201, 409]  # two leaders at once: one answer
    note = await survey.db["suggestions"].find_one({"_id": stored["source_id"]})
    assert note["contact"] is None and note["text"] == "Xin thêm ghế chờ"
    answered = await eventually(_published(event_probe, events_of, "feedback.answered"))
    assert (
        answered[0]["payload"]["source"] == "suggestion"
        and answered[0]["payload"]["dossier_code"] is None
    )
    assert await survey.db["outbox"].count_documents({"routing_key": "feedback.answered"}) == 1
