"""A batch of ResultReturned events opens its surveys in one transaction on the Mongo-wire
server: one per dossier however many copies or second events the batch holds, none for what
must not be surveyed, one SurveyOpened in the outbox per survey; a later batch repeating them
opens only what is new."""

from datetime import timedelta

from motcua_shared.messaging.outbox import Outbox

from survey.adapters.mongo_surveys import MongoSurveyRepository
from survey.app.open_survey import OpeningRules, OpenSurvey


async def test_a_batch_opens_one_survey_per_dossier(mongo, clock, returned):
    outbox = Outbox(mongo["outbox"])
    surveys = MongoSurveyRepository(mongo, outbox)
    await outbox.ensure_indexes()
    await surveys.ensure_indexes()
    wakes = []
    opener = OpenSurvey(
        surveys,
        OpeningRules(timedelta(days=7), frozenset({"P-EXCLUDED"}), "https://ks.vn"),
        clock,
        lambda: wakes.append(1),
    )
    first, second = returned("D-1"), returned("D-2")
    opened = await opener.open_batch(
        [first, first, returned("D-1"), second, returned("D-3", procedure_code="P-EXCLUDED")]
    )
    assert sorted(s.subject.dossier_code for s in opened) == ["D-1", "D-2"]
    third = returned("D-4")
    again = await opener.open_batch([second, third, first])
    assert [s.subject.dossier_code for s in again] == ["D-4"]

    assert sorted([d["dossier_code"] async for d in mongo["surveys"].find()]) == [
        "D-1",
        "D-2",
        "D-4",
    ]
    assert await mongo["outbox"].count_documents({"routing_key": "survey.opened"}) == 3
    assert sorted([d["_id"] async for d in mongo["processed_events"].find()]) == sorted(
        str(e.event_id) for e in (first, second, third)
    )
    assert len(wakes) == 2
