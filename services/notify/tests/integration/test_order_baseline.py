"""Upgrading a running notify to the version hold (issue 15): `notify-order-baseline` reads
intake's event log over HTTP and gives each dossier notify already handled its last handled
version as its record, so the dossier's next event is planned at once instead of waiting for a
version 1 that will never come again."""

from fastapi import FastAPI

from motcua_shared.auth import bearer_principal
from motcua_shared.embedded_mongo import free_port
from motcua_shared.event_log import event_log_router
from motcua_shared.outbox import Outbox

from notify.order_baseline_cli import run_baseline

from ..conftest import LiveServer


async def test_handled_dossiers_get_their_last_handled_version(harness, clock, events, mongo):
    intake_outbox = Outbox(mongo["intake_outbox"])  # intake's event log, served as intake serves it
    await intake_outbox.ensure_indexes()
    old, fresh = "26734-261201-0001", "26734-261201-0002"
    old_events = [events.received(old), events.resolved(old)]
    later = events.returned(old, civil="birth")  # published after the upgrade: a birth letter
    fresh_events = [events.received(fresh)]  # pending in intake's outbox: never handled yet
    for envelope in (*old_events, later, *fresh_events):
        await intake_outbox.add(envelope)
    # The old notify handled v1 and v2 of the old dossier (their ids are in processed_events).
    await harness.db["processed_events"].insert_many([{"_id": str(e.event_id)} for e in old_events])

    app = FastAPI()
    app.include_router(
        event_log_router(lambda: intake_outbox, bearer_principal(harness.settings.jwt_secret))
    )
    async with LiveServer(app, free_port()) as intake:
        read, written = await run_baseline(harness.settings, intake.url, page_size=2)
    assert (read, written) == (4, 1)
    record = await harness.db["event_order"].find_one({"_id": old})
    assert (record["version"], record["held"]) == (2, [])
    assert await harness.db["event_order"].find_one({"_id": fresh}) is None

    async with harness.notify(clock):
        await harness.publish(later)
        await harness.wait_status(
            later, "queued", "sent"
        )  # not held: the letter of a returned result
    assert (await harness.db["event_order"].find_one({"_id": old}))["version"] == 3
