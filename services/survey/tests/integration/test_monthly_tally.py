"""The monthly tally is exact for a scripted month, with answers on its edges in Vietnam time."""

from datetime import UTC, datetime, timedelta

from motcua_shared.vietnam.timeutil import VN_TZ

from ..conftest import UNIT


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN_TZ).astimezone(UTC)


# (dossier, answered at (Vietnam time), level, comment, unit)
SCRIPT = [
    ("D-FEB-LAST", vn(2026, 2, 28, 23, 59), "unsatisfied", "Tháng trước", UNIT),
    ("D-MAR-FIRST", vn(2026, 3, 1, 0, 5), "satisfied", None, UNIT),  # still 28 Feb in UTC
    ("D-MAR-MID", vn(2026, 3, 15, 9, 0), "unsatisfied", "Chờ lâu quá", UNIT),
    ("D-MAR-A", vn(2026, 3, 20, 14, 0), "very_satisfied", None, UNIT),
    ("D-MAR-LAST", vn(2026, 3, 31, 23, 30), "very_satisfied", "Rất nhanh", UNIT),  # 16:30 UTC
    ("D-APR-FIRST", vn(2026, 4, 1, 0, 0), "unsatisfied", "Tháng sau", UNIT),  # still 31 Mar in UTC
    ("D-OTHER-UNIT", vn(2026, 3, 16, 9, 0), "unsatisfied", "Đơn vị khác", "79-99999"),
]


async def test_the_monthly_tally_counts_exactly_the_month_in_vietnam_time(
    survey, publish, returned, clock
):
    for code, at, _level, _comment, unit in SCRIPT:
        clock.now = at - timedelta(hours=1)  # opened an hour before the answer
        await publish(returned(code, unit=unit))
        await survey.survey_of(code)
    for code, at, level, comment, unit in SCRIPT:
        clock.now = at
        desk = survey.token("desk-lan", unit, "desk")
        answer = {"level": level} | ({"comment": comment} if comment else {})
        response = await survey.http.post(
            f"/api/v1/kiosk/dossiers/{code}/answer", json=answer, headers=desk
        )
        assert response.status_code == 201, response.text

    leader = survey.token("boss", UNIT, "leader")
    tally = await survey.http.get(
        f"/api/v1/units/{UNIT}/tally", params={"month": "2026-03"}, headers=leader
    )
    assert tally.status_code == 200, tally.text
    body = tally.json()
    assert body["answers"] == 4
    assert body["counts"] == {"unsatisfied": 1, "satisfied": 1, "very_satisfied": 2}
    assert body["satisfied_rate"] == 0.75
    assert [c["comment"] for c in body["comments"]] == ["Chờ lâu quá", "Rất nhanh"]
    assert body["comments"][1]["answered_at"] == "2026-03-31T23:30:00+07:00"

    comments = await survey.http.get(
        f"/api/v1/units/{UNIT}/comments", params={"month": "2026-03"}, headers=leader
    )
    assert [c["dossier_code"] for c in comments.json()["comments"]] == ["D-MAR-MID", "D-MAR-LAST"]

    empty = await survey.http.get(
        f"/api/v1/units/{UNIT}/tally", params={"month": "2026-05"}, headers=leader
    )
    assert empty.json()["answers"] == 0 and empty.json()["satisfied_rate"] is None


async def test_the_tally_is_for_the_units_leader_only_and_checks_the_month(survey):
    url = f"/api/v1/units/{UNIT}/tally"
    assert (await survey.http.get(url, params={"month": "2026-03"})).status_code == 401
    desk = survey.token("desk-lan", UNIT, "desk")
    assert (
        await survey.http.get(url, params={"month": "2026-03"}, headers=desk)
    ).status_code == 403
    other = survey.token("boss", "79-99999", "leader")
    assert (
        await survey.http.get(url, params={"month": "2026-03"}, headers=other)
    ).status_code == 403
    leader = survey.token("boss", UNIT, "leader")
    for month in (
        "2026-13",
        "03-2026",
        "",
        "0000-01",
        "9999-12",
    ):  # years no datetime holds: 422, not 500
        bad = await survey.http.get(url, params={"month": month}, headers=leader)
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "month"
