"""Feedback (phản ánh, kiến nghị) through the real consumer: counted per unit and month of receipt,
on time or late, read by the feedback report and the Decision 766 indicators; no contact kept."""

import uuid
from datetime import datetime, timedelta
from typing import Any

from motcua_shared.contract.dossier_events import Channel
from motcua_shared.contract.envelope import Envelope
from motcua_shared.contract.event_base import CitizenContact
from motcua_shared.contract.feedback_events import FeedbackAnswered, FeedbackOpened, FeedbackSource

from reporting.adapters.mongo_collections import FEEDBACK_DAILY
from reporting.testing.event_scripts import PHONE, DossierScript, due, vn

from .conftest import CERT, UNIT_A, UNIT_B, leader, publish_events, wait_until_projected


def _feedback(
    unit: str, follow_up: str, opened_at: datetime, answered_at: datetime | None
) -> list[Envelope[Any]]:
    due_at = opened_at + timedelta(days=14)
    facts: dict[str, Any] = dict(
        source=FeedbackSource.SURVEY,
        dossier_code="X",
        unit_name=None,
        province_code=None,
        opened_at=opened_at,
        due_at=due_at,
    )
    made = [
        Envelope.wrap(
            FeedbackOpened(**facts),
            aggregate_id=follow_up,
            aggregate_version=1,
            unit_code=unit,
            correlation_id="c",
            occurred_at=opened_at,
        )
    ]
    if answered_at is not None:
        answer = FeedbackAnswered(
            **facts,
            answered_at=answered_at,
            on_time=answered_at <= due_at,
            contact=CitizenContact(phone=PHONE, consent=True),
        )
        made.append(
            Envelope.wrap(
                answer,
                aggregate_id=follow_up,
                aggregate_version=2,
                unit_code=unit,
                correlation_id="c",
                occurred_at=answered_at,
                event_id=uuid.uuid4(),
            )
        )
    return made


async def test_feedback_is_counted_per_unit_and_month_and_in_the_indicators(
    app, http, keys, settings, mongo, amqp_url, exchange_name
):
    units = []
    for unit in (UNIT_A, UNIT_B):  # reporting learns each unit's province from its dossier events
        script = DossierScript(f"{unit.code}-1", unit, CERT, Channel.DIRECT)
        script.received(vn(2026, 2, 2), due(2026, 2, 5))
        units += script.envelopes
    feedback = [
        *_feedback(UNIT_A.code, "a1", vn(2026, 2, 3), vn(2026, 2, 10)),  # on time
        *_feedback(UNIT_A.code, "a2", vn(2026, 2, 4), vn(2026, 3, 20)),  # late
        *_feedback(
            UNIT_A.code, "a3", vn(2026, 2, 28, 23), None
        ),  # 23:00 on 28 Feb +07: February, still open
        *_feedback(UNIT_A.code, "a4", vn(2026, 3, 2), vn(2026, 3, 3)),  # March, on time
        *_feedback(UNIT_B.code, "b1", vn(2026, 2, 5), vn(2026, 3, 1)),  # late
    ]
    feedback.insert(0, feedback.pop(1))  # an answer may arrive before its opening: counters commute
    await publish_events(amqp_url, exchange_name, units + feedback)
    await wait_until_projected(mongo, len(units) + len(feedback))

    spring = {"from": "2026-02-01", "to": "2026-03-31"}
    body = (
        await http.get(
            "/api/v1/reports/feedback",
            headers=keys["p79"],
            params={"unit": UNIT_A.code, "group_by": "month", **spring},
        )
    ).json()
    rows = {
        r["key"]: (
            r["received"],
            r["answered_on_time"],
            r["answered_late"],
            r["open"],
            r["on_time_rate"],
        )
        for r in body["rows"]
    }
    assert rows == {"2026-02": (3, 1, 1, 1, round(1 / 3, 4)), "2026-03": (1, 1, 0, 0, 1.0)}
    leader_view = await http.get(
        "/api/v1/reports/feedback",
        headers=leader(settings, UNIT_A.code),
        params={"unit": UNIT_A.code, **spring},
    )
    assert leader_view.json()["total"]["received"] == 4
    foreign = await http.get(
        "/api/v1/reports/feedback", headers=keys["p92"], params={"unit": UNIT_A.code, **spring}
    )
    assert foreign.status_code == 403

    body = (
        await http.get(
            "/api/v1/reports/feedback", headers=keys["p92"], params={"province": "92", **spring}
        )
    ).json()
    assert [(r["key"], r["received"], r["answered_late"]) for r in body["rows"]] == [
        (UNIT_B.code, 1, 1)
    ]

    feb = {"from": "2026-02-01", "to": "2026-02-28"}
    indicators = (
        await http.get(
            "/api/v1/reports/indicators", headers=keys["p79"], params={"unit": UNIT_A.code, **feb}
        )
    ).json()
    row = indicators["rows"][0]
    assert (
        row["key"],
        row["feedback_received"],
        row["feedback_answered_on_time"],
        row["feedback_answered_late"],
        row["feedback_on_time_rate"],
    ) == (UNIT_A.code, 3, 1, 1, round(1 / 3, 4))
    assert indicators["total"]["feedback_received"] == 3
    by_field = (
        await http.get(
            "/api/v1/reports/indicators",
            headers=keys["p79"],
            params={"unit": UNIT_A.code, "group_by": "field", **feb},
        )
    ).json()
    assert all(r["feedback_received"] is None for r in by_field["rows"])
    assert by_field["total"]["feedback_received"] == 3

    national = PHONE.removeprefix("+84")
    async for doc in mongo[FEEDBACK_DAILY].find():
        assert national not in repr(doc) and "contact" not in doc
