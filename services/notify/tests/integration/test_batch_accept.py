"""A backlog waiting when notify starts is accepted in batches: each dossier's messages are
made, and numbered, in the order of its events; copies of an event in the same backlog make
nothing twice; every event is recorded once and the queue is left empty."""

from motcua_shared.contract.topology import consumer_spec, declare_consumer_at
from motcua_shared.testing.plugin import eventually


async def test_a_backlog_is_accepted_in_order_and_once(harness, clock, events):
    await declare_consumer_at(
        harness.settings.amqp_url, consumer_spec(harness.settings.exchange, "notify")
    )
    codes = [f"26734-251125-{n:04d}" for n in range(201, 209)]
    published = []
    for code in codes:
        received, asked = events.received(code), events.supplement(code, stage="desk")
        published += [received, asked]
        for envelope in (received, asked, received):  # and a copy of the receipt
            await harness.publish(envelope)

    async with harness.notify(clock):

        async def all_made():
            return await harness.db["messages"].count_documents({}) == len(published)

        await eventually(all_made)

        async def drained():
            return await harness.queue_depth() == 0

        await eventually(drained)

    for code in codes:
        made = [
            doc
            async for doc in harness.db["messages"].find({"dossier_code": code}).sort("dossier_seq")
        ]
        assert [(doc["kind"], doc["dossier_seq"]) for doc in made] == [
            ("received", 1),
            ("supplement_at_desk", 2),
        ]
    assert await harness.db["processed_events"].count_documents({}) == len(published)
    made_for = {doc["event_id"] async for doc in harness.db["messages"].find({}, {"event_id": 1})}
    assert made_for == {str(e.event_id) for e in published}
