"""Survey's outbox is readable as an event log (system role), so reporting can rebuild from it."""

from ..conftest import UNIT


async def test_the_event_log_gives_survey_events_to_a_system_token(survey, publish, returned):
    await publish(returned("D-0001"))
    await survey.survey_of("D-0001")
    desk = survey.token("desk-lan", UNIT, "desk")
    await survey.http.post(
        "/api/v1/kiosk/dossiers/D-0001/answer", json={"level": "satisfied"}, headers=desk
    )

    assert (await survey.http.get("/api/v1/events", headers=desk)).status_code == 403
    log = await survey.http.get("/api/v1/events", headers=survey.token("reporting", "*", "system"))
    assert log.status_code == 200
    events = log.json()["events"]
    assert [e["event_type"] for e in events] == ["survey.opened", "survey.answered"]
    assert [e["aggregate_version"] for e in events] == [1, 2]
    assert events[0]["aggregate_id"] == events[1]["aggregate_id"]
    assert events[1]["payload"]["level"] == "satisfied"
