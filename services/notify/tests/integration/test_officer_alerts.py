"""Deadline events through the real broker: the officers they name get one e-mail each at the
sandbox's e-mail API, however often the event is delivered."""

from datetime import UTC, datetime

from motcua_shared.contract.dossier_events import DossierOverdue, OfficerContact
from motcua_shared.testing.plugin import eventually


async def test_an_overdue_dossier_emails_the_holder_and_the_leader_once(harness, clock, events):
    code = "26734-251125-0201"
    payload = DossierOverdue(
        **events.base("in_progress"),
        due_at=datetime(2025, 11, 20, 16, 59, 59, tzinfo=UTC),
        holder_id="cv01",
        officers=[
            OfficerContact(officer_id="cv01", role="holder", email="cv01@x.vn"),
            OfficerContact(officer_id="ld01", role="leader", email="ld01@x.vn"),
            OfficerContact(officer_id="ld02", role="leader"),
        ],
    )
    envelope = events._wrap(payload, code)
    async with harness.notify(clock):
        for _ in range(3):
            await harness.publish(envelope)

        async def all_stored():
            docs = [d async for d in harness.db["officer_alerts"].find({"dossier_code": code})]
            return (
                docs if sorted(d["status"] for d in docs) == ["sent", "sent", "skipped"] else None
            )

        await eventually(all_stored)

        async def every_copy_taken():
            return await harness.queue_depth() == 0

        await eventually(every_copy_taken)  # the later copies too, not only the first
    assert await harness.queue_depth() == 0  # and acked
    emails = await harness.sandbox("emails")
    assert sorted(e["to"] for e in emails) == ["cv01@x.vn", "ld01@x.vn"]
    assert all(e["subject"].startswith(f"[Quá hạn] Hồ sơ {code}") for e in emails)
    assert await harness.sandbox("attempts") == []  # no Zalo or SMS to a citizen for this event
