"""ResultReturned → exactly one survey per dossier, and none where a survey must not be asked."""

import json

import aio_pika

from motcua_shared.contract.dossier_events import CivilStatusEvent, ResolutionOutcome
from motcua_shared.messaging.consumer import REASON_HEADER
from motcua_shared.testing.plugin import eventually

from .conftest import EXCLUDED_PROCEDURE, PUBLIC_URL


async def test_a_dossier_delivered_twice_opens_exactly_one_survey(
    survey, publish, returned, event_probe, events_of
):
    event = returned("79-27100-260310-0001")
    await publish(event)
    await publish(event)  # redelivery of the very same envelope
    again = returned(
        "79-27100-260310-0001"
    )  # a second ResultReturned (new event id) for the same dossier
    await publish(again)
    await publish(returned("79-27100-260310-0002"))  # sentinel: the queue is handled in order

    await survey.survey_of("79-27100-260310-0002")
    opened = await eventually(lambda: _opened(event_probe, events_of, 2))
    assert sorted(e["payload"]["dossier_code"] for e in opened) == [
        "79-27100-260310-0001",
        "79-27100-260310-0002",
    ]
    assert await survey.db["surveys"].count_documents({"dossier_code": "79-27100-260310-0001"}) == 1
    assert await survey.db["processed_events"].count_documents({"_id": str(event.event_id)}) == 1

    doc = await survey.survey_of("79-27100-260310-0001")
    first = next(e for e in opened if e["payload"]["dossier_code"] == "79-27100-260310-0001")
    assert first["payload"]["survey_url"] == f"{PUBLIC_URL}/s/{doc['token']}"
    assert len(doc["token"]) >= 32
    assert first["payload"]["contact"] == {
        "phone": "+84912345678",
        "consent": True,
        "preferred_channel": "zalo",
    }
    assert (
        first["payload"]["procedure_code"] == "1.001193"
        and first["payload"]["officer_id"] == "desk-lan"
    )
    assert (
        first["unit_code"] == "79-27100" and first["correlation_id"] == "corr-79-27100-260310-0001"
    )
    assert doc["unit_name"] == "UBND phường Bình Thạnh" and doc["province_code"] == "79"
    assert "contact" not in doc  # the phone travels in the event for notify, it is not kept here


async def test_excluded_procedures_deaths_refusals_and_child_tasks_open_none(
    survey, publish, returned, event_probe, events_of
):
    await publish(returned("D-EXCLUDED", procedure_code=EXCLUDED_PROCEDURE))
    await publish(returned("D-DEATH", civil_status_event=CivilStatusEvent.DEATH))
    await publish(returned("D-REFUSED", outcome=ResolutionOutcome.REFUSED))
    await publish(returned("D-CHILD", parent_code="D-PARENT"))
    await publish(
        returned("D-BIRTH", civil_status_event=CivilStatusEvent.BIRTH)
    )  # sentinel, surveyed

    await survey.survey_of("D-BIRTH")
    await eventually(lambda: _opened(event_probe, events_of, 1))
    assert [s["dossier_code"] async for s in survey.db["surveys"].find()] == ["D-BIRTH"]
    assert [e["payload"]["dossier_code"] for e in events_of(event_probe, "survey.opened")] == [
        "D-BIRTH"
    ]


async def test_a_malformed_event_is_dead_lettered_with_a_reason(
    survey, publish, returned, amqp_url, exchange_name
):
    await publish(
        b'{"event_type": "dossier.result_returned", "payload": {}}',
        routing_key="dossier.result_returned",
    )
    broken = returned("D-BROKEN").model_dump(mode="json")
    del broken["payload"]["procedure_code"]
    await publish(_json(broken), routing_key="dossier.result_returned")

    connection = await aio_pika.connect(amqp_url)
    async with connection:
        dlq = await (await connection.channel()).declare_queue(
            f"{exchange_name}.survey.dlq", passive=True
        )
        parked = []

        async def two_parked():
            message = await dlq.get(fail=False, no_ack=True)
            if message:
                parked.append(message)
            return len(parked) >= 2

        await eventually(two_parked)
    reasons = [m.headers[REASON_HEADER] for m in parked]
    assert all(reason.startswith("invalid envelope") for reason in reasons)
    assert "procedure_code" in reasons[1]
    assert await survey.db["surveys"].count_documents({}) == 0


async def _opened(probe, events_of, count):
    found = events_of(probe, "survey.opened")
    return found if len(found) >= count else None


def _json(data) -> bytes:
    return json.dumps(data).encode()
