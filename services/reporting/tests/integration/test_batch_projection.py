"""The batch projector on the Mongo-wire server: a month of events applied in batches (each
batch one transaction, counters merged per document, successors arriving before their
predecessor parked and drained within the batch, copies of events already applied skipped)
leaves exactly the documents that applying them one at a time leaves; a batch that raises
commits nothing."""

import pytest

from motcua_shared.messaging.consumer import PermanentError
from motcua_shared.storage.mongo import mongo_client

from reporting.adapters import mongo_collections as c
from reporting.adapters.mongo_collections import ensure_indexes
from reporting.adapters.mongo_projection import MongoProjectionStore
from reporting.app.projector import Projector

from .conftest import NOW, february

COMPARED = (
    c.DOSSIERS,
    c.DAILY_COUNTS,
    c.MONTHLY_COUNTS,
    c.UNIT_YEARLY_COUNTS,
    c.PROVINCE_YEARLY_COUNTS,
    c.SATISFACTION_DAILY,
    c.SURVEY_ANSWERS,
    c.UNITS,
    c.PARKED_EVENTS,
)


async def _contents(db) -> dict:
    out = {}
    for name in COMPARED:
        out[name] = sorted(
            [{k: v for k, v in doc.items() if k != "parked_at"} async for doc in db[name].find()],
            key=lambda doc: str(doc["_id"]),
        )
    out["processed"] = sorted([doc["_id"] async for doc in db[c.PROCESSED_EVENTS].find()])
    return out


async def _projector(client, name):
    db = client[name]
    await ensure_indexes(db)
    rejected = []

    async def reject(event, reason):
        rejected.append(reason)

    return db, Projector(MongoProjectionStore(client, db), lambda: NOW, reject), rejected


async def test_batches_equal_one_at_a_time(mongodb_url, db_name):
    events = february()
    client = mongo_client(mongodb_url)
    try:
        one_db, one, _ = await _projector(client, db_name + "_one")
        for envelope in events:
            await one.project(envelope)
        batch_db, batched, rejected = await _projector(client, db_name + "_batch")
        # Each dossier's later events first within a batch (parked, then drained by their
        # predecessor in the same batch), and copies of the first batch's events in the second.
        first, second = events[: len(events) // 2], events[len(events) // 2 :]
        outcome = await batched.project_batch(list(reversed(first)))
        await batched.project_batch(first[:5] + list(reversed(second)))
        assert outcome.applied == len(first) and rejected == []
        assert await _contents(batch_db) == await _contents(one_db)
        assert await batch_db[c.PARKED_EVENTS].count_documents({}) == 0
        assert await batch_db[c.DAILY_COUNTS].count_documents({}) > 0
    finally:
        await client.drop_database(db_name + "_one")
        await client.drop_database(db_name + "_batch")
        await client.close()


async def test_counters_dropped_behind_the_projectors_back_are_written_again(mongodb_url, db_name):
    """The projector remembers which counter documents exist; projections dropped by another
    process (a rebuild) make that belief stale: the documents are inserted again, not lost."""
    events = february()
    client = mongo_client(mongodb_url)
    try:
        one_db, one, _ = await _projector(client, db_name + "_one")
        await one.project_batch(events)
        batch_db, batched, rejected = await _projector(client, db_name + "_batch")
        await batched.project_batch(events)
        await c.drop_projections(batch_db)  # not through the store: it still believes
        for first in range(0, len(events), 7):
            await batched.project_batch(events[first : first + 7])
        assert rejected == []
        assert await _contents(batch_db) == await _contents(one_db)
        assert await batch_db[c.PROVINCE_YEARLY_COUNTS].count_documents({}) > 0
    finally:
        await client.drop_database(db_name + "_one")
        await client.drop_database(db_name + "_batch")
        await client.close()


async def test_a_batch_that_raises_commits_nothing(mongodb_url, db_name):
    events = february()
    client = mongo_client(mongodb_url)
    try:
        db, projector, _ = await _projector(client, db_name)
        answer = next(e for e in events if e.event_type == "survey.answered")
        # The answer's dossier is unknown here, so its province cannot be found: PermanentError.
        unknown_unit = answer.model_copy(
            update={
                "unit_code": "99999",
                "payload": answer.payload.model_copy(update={"province_code": None}),
            }
        )
        with pytest.raises(PermanentError):
            await projector.project_batch([events[0], unknown_unit])
        assert await db[c.DOSSIERS].count_documents({}) == 0
        assert await db[c.PROCESSED_EVENTS].count_documents({}) == 0
        await projector.project_batch([events[0]])
        assert await db[c.DOSSIERS].count_documents({}) == 1
    finally:
        await client.drop_database(db_name)
        await client.close()
