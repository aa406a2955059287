"""The lifecycle over HTTP: a representative path with its events on the broker, a 409,
a linked '3 trong 1' dossier and a home visit."""

from datetime import date

from motcua_shared.contract.envelope import parse_envelope
from motcua_shared.vietnam.timeutil import utcnow

from intake.domain.calendar import WorkingCalendar, local_date
from intake.domain.catalogue import VisitRule
from intake.domain.home_visit import visit_date

from .conftest import BIRTH_3_IN_1, DISABILITY


async def test_representative_path_publishes_exactly_the_expected_events(intake, event_probe):
    received = (await intake.receive(DISABILITY, headers={"X-Correlation-ID": "corr-path"})).json()
    code = received["code"]
    steps = [
        ("hand-over", "specialist", {"to_officer_id": "cm-02", "step": "chuyen-mon"}),
        (
            "request-supplement",
            "specialist",
            {"missing_papers": ["Ảnh 4x6"], "reason": "Thiếu ảnh"},
        ),
        ("supply-papers", "desk", {}),
        (
            "apologise",
            "leader",
            {"new_due_date": _later_working_day(received["due_date"]), "reason": "Cần xác minh"},
        ),
        ("hand-over", "specialist", {"to_officer_id": "ld-01", "step": "lanh-dao-ky"}),
        ("resolve", "leader", {"outcome": "approved"}),
        ("return", "desk", {"method": "at_desk"}),
    ]
    for action, role, body in steps:
        response = await intake.act(code, action, role, body)
        assert response.status_code == 200, (action, response.text)
    final = response.json()
    assert final["status"] == "returned" and final["version"] == 8
    assert [h["officer_id"] for h in final["history"]][:2] == ["desk-01", "specialist-01"]

    envelopes = [parse_envelope(m.body) for m in await event_probe.wait_for(8)]
    assert [e.event_type for e in envelopes] == [
        "dossier.received",
        "dossier.handed_over",
        "dossier.supplement_requested",
        "dossier.supplement_supplied",
        "dossier.apology_issued",
        "dossier.handed_over",
        "dossier.resolved",
        "dossier.result_returned",
    ]
    assert [e.aggregate_version for e in envelopes] == list(range(1, 9))
    assert {e.aggregate_id for e in envelopes} == {code} and {
        e.correlation_id for e in envelopes
    } == {"corr-path"}
    assert [e.payload.status.value for e in envelopes] == [
        "received",
        "in_progress",
        "supplement_requested",
        "in_progress",
        "in_progress",
        "in_progress",
        "resolved",
        "returned",
    ]
    assert all(
        e.payload.unit_name == "UBND phường Tân Định" and e.payload.field_code == "ldtbxh"
        for e in envelopes
    )
    assert (
        envelopes[1].payload.officer_id == "specialist-01"
        and envelopes[-1].payload.officer_id == "desk-01"
    )
    assert len(event_probe.messages) == 8


def _later_working_day(due_date: str) -> str:
    calendar = WorkingCalendar()
    return calendar.add_working_days(date.fromisoformat(due_date), 3).isoformat()


async def test_illegal_transition_is_409_with_the_current_state_and_changes_nothing(intake):
    code = (await intake.receive(DISABILITY)).json()["code"]
    before = await intake.counts()
    response = await intake.act(code, "return", "desk", {"method": "at_desk"})
    assert response.status_code == 409
    body = response.json()
    assert body["current_status"] == "received" and body["action"] == "return"
    assert body["message"] and body["message_en"]
    assert await intake.counts() == before
    assert (await intake.http.get(f"/api/v1/dossiers/{code}", headers=intake.auth("desk"))).json()[
        "version"
    ] == 1


async def test_refusal_without_reason_is_422(intake):
    code = (await intake.receive(DISABILITY)).json()["code"]
    response = await intake.act(code, "resolve", "leader", {"outcome": "refused"})
    assert response.status_code == 422 and response.json()["field"] == "reason"


async def test_withdrawal_before_resolution(intake, event_probe):
    code = (await intake.receive(DISABILITY)).json()["code"]
    response = await intake.act(code, "withdraw", "desk", {"reason": "Công dân không còn nhu cầu"})
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert (await intake.act(code, "withdraw", "desk", {})).status_code == 409
    events = [parse_envelope(m.body) for m in await event_probe.wait_for(2)]
    assert events[-1].event_type == "dossier.withdrawn" and events[-1].aggregate_version == 2


async def test_linked_three_in_one_resolves_when_every_agency_has(intake, event_probe):
    body = (await intake.receive(BIRTH_3_IN_1)).json()
    code = body["code"]
    assert [t["agency"] for t in body["tasks"]] == ["tu-phap", "cong-an", "bhxh"]
    assert (await intake.act(code, "resolve", "leader", {"outcome": "approved"})).status_code == 409
    for agency in ("tu-phap", "cong-an", "bhxh"):
        response = await intake.act(
            code, f"tasks/{agency}/resolve", "specialist", {"outcome": "approved"}
        )
        assert response.status_code == 200, response.text
    assert response.json()["status"] == "resolved" and response.json()["outcome"] == "approved"
    envelopes = [parse_envelope(m.body) for m in await event_probe.wait_for(5)]
    assert [e.event_type for e in envelopes] == [
        "dossier.received",
        "dossier.linked_task_resolved",
        "dossier.linked_task_resolved",
        "dossier.linked_task_resolved",
        "dossier.resolved",
    ]
    assert envelopes[0].payload.child_codes == [
        f"{code}-tu-phap",
        f"{code}-cong-an",
        f"{code}-bhxh",
    ]
    assert envelopes[0].payload.civil_status_event.value == "birth"
    assert [e.aggregate_version for e in envelopes] == [1, 2, 3, 4, 5]


async def test_home_visit_is_scheduled_on_the_units_day(intake, event_probe):
    code = (await intake.receive(DISABILITY, home_service=True)).json()["code"]
    response = await intake.act(code, "home-visit", "desk", {"urgent": False})
    assert response.status_code == 200, response.text
    visit = date.fromisoformat(response.json()["home_visits"][0]["visit_date"])
    today = local_date(utcnow())
    assert (
        visit == visit_date(VisitRule(), today, urgent=False, calendar=WorkingCalendar())
        and visit > today
    )
    envelopes = [parse_envelope(m.body) for m in await event_probe.wait_for(2)]
    assert (
        envelopes[1].event_type == "dossier.home_visit_scheduled"
        and envelopes[1].payload.visit_date == visit
    )
    assert envelopes[0].payload.home_service is True
