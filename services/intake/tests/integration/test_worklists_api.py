"""The desk's work lists and search (real Mongo-wire server): each list holds what it says, only
the officer's unit, with the status in words and working days left."""

from motcua_shared.testing.clock import SettableClock

from .conftest import COPY_CERT, DISABILITY, OTHER_UNIT, citizen


async def codes(
    intake, name: str, role: str = "desk", sub: str | None = None, unit: str = "26734"
) -> list[str]:
    response = await intake.http.get(
        f"/api/v1/worklists/{name}", headers=intake.auth(role, sub=sub, unit=unit)
    )
    assert response.status_code == 200, response.text
    return [row["code"] for row in response.json()["dossiers"]]


async def test_lists_follow_the_dossiers_states(intake):
    # A working morning: received after the 15:00 cut-off or on a day off, the count would start
    # the next working day (CI failed so, run in the Vietnamese evening).
    intake.app.state.services.intake.clock = SettableClock()
    received = (await intake.receive(DISABILITY)).json()["code"]
    waiting = (await intake.receive(DISABILITY, "incomplete", missing_papers=["Tờ khai"])).json()[
        "code"
    ]
    resolved = (await intake.receive(COPY_CERT)).json()["code"]
    await intake.act(resolved, "hand-over", "desk", {"to_officer_id": "cv01", "step": "chuyen-mon"})
    await intake.act(resolved, "resolve", body={"outcome": "approved"})
    mine = (await intake.receive(DISABILITY)).json()["code"]
    await intake.act(mine, "hand-over", "desk", {"to_officer_id": "cv01", "step": "chuyen-mon"})
    other_unit = (await intake.receive(DISABILITY, unit=OTHER_UNIT)).json()["code"]

    today = await codes(intake, "received_today")
    assert (
        {received, resolved, mine} <= set(today)
        and waiting not in today
        and other_unit not in today
    )
    assert await codes(intake, "awaiting_supplement") == [waiting]
    assert await codes(intake, "ready_to_return") == [resolved]
    assert await codes(intake, "mine", "specialist", sub="cv01") == [mine]
    assert await codes(intake, "overdue") == []

    rows = (
        await intake.http.get("/api/v1/worklists/received_today", headers=intake.auth("desk"))
    ).json()["dossiers"]
    row = next(r for r in rows if r["code"] == received)
    assert (
        row["status_label"] == "Đã tiếp nhận"
        and row["days_left"] == 5
        and row["citizen_name"] == "Nguyễn Văn An"
    )


async def test_search_by_code_or_phone_stays_in_the_unit(intake):
    code = (await intake.receive(DISABILITY, citizen=citizen(phone="0987 654 321"))).json()["code"]
    await intake.receive(DISABILITY, unit=OTHER_UNIT, citizen=citizen(phone="0987 654 321"))
    for q in (code, "0987654321", "+84987654321"):
        response = await intake.http.get(
            "/api/v1/worklists/search", params={"q": q}, headers=intake.auth("desk")
        )
        assert [r["code"] for r in response.json()["dossiers"]] == [code], q
    response = await intake.http.get(
        "/api/v1/worklists/search", params={"q": code}, headers=intake.auth("desk", unit=OTHER_UNIT)
    )
    assert response.json()["dossiers"] == []


async def test_unknown_list_is_422(intake):
    response = await intake.http.get("/api/v1/worklists/everything", headers=intake.auth("desk"))
    assert response.status_code == 422
