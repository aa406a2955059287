"""February 2026 for two units, consumed from the broker: exact figures, counted by hand from
the script in conftest.february() (not from the code under test)."""

import random

from reporting.adapters.mongo_collections import PROJECTIONS
from reporting.testing.event_scripts import PHONE

from .conftest import UNIT_A, UNIT_B, february, leader, publish_events, wait_until_projected

FIELDS = (
    "carried_over",
    "received_online",
    "received_direct",
    "received_postal",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "resolved_refused",
    "withdrawn",
    "refused_at_desk",
    "in_progress_within_time",
    "in_progress_overdue",
)


def fig(*values: int) -> dict[str, int]:
    return dict(zip(FIELDS, values, strict=True))


# carried, online, direct, postal, early, on time, late, refused outcome, withdrawn, refused at
# desk, within, overdue
# A: carried A1, A12; received A3 A4 A8 online, A2 A7 A9 A10 direct, A5 postal; early A1 A7, on time
# A2 A10 A12,
# late A3 A4 (A4 apologised); A7 refused; A5 withdrawn; A6 refused at desk; open A8 (within), A9
# (overdue).
UNIT_A_FEB = fig(2, 3, 4, 1, 2, 3, 2, 1, 1, 1, 1, 1)
# B: carried B1; received B4 online, B2 direct, B3 postal; early B2, on time B1, late B3; B5
# refused; B4 overdue.
UNIT_B_FEB = fig(1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 1)
UNIT_A_FEB_BY_FIELD = {
    "chung-thuc": fig(
        1, 1, 1, 0, 1, 1, 0, 0, 0, 1, 1, 0
    ),  # A1 carried; A8, A2; A1 early, A2 on time; A6; A8
    "dat-dai": fig(
        1, 1, 1, 0, 1, 1, 1, 1, 0, 0, 0, 0
    ),  # A12 carried; A4, A7; A7 early+refused, A12, A4 late
    "ho-tich": fig(
        0, 1, 2, 1, 0, 1, 1, 0, 1, 0, 0, 1
    ),  # A3, A9 A10, A5; A10 on time, A3 late; A5; A9 overdue
}
# 10–24 Feb: carried A10 (received 3rd), A12; received A3 A4 online, A9 A7 direct, A5 postal; A10 on
# time,
# A3 late; A5 withdrawn; open on the 24th: A12, A9 (due that day), A7 within, A4 overdue (its
# apology does not count).
UNIT_A_10_TO_24 = fig(2, 2, 2, 1, 0, 1, 1, 0, 1, 0, 3, 1)


def figures(row: dict) -> dict[str, int]:
    return {name: row[name] for name in FIELDS}


async def one_stop(http, headers, **params):
    response = await http.get("/api/v1/reports/one-stop", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_month_gives_the_hand_counted_figures(http, keys, settings, projected_month):
    body = await one_stop(
        http, keys["p79"], unit=UNIT_A.code, **{"from": "2026-02-01", "to": "2026-02-28"}
    )
    (row,) = body["rows"]
    assert figures(row) == UNIT_A_FEB == figures(body["total"])
    assert (row["to_handle"], row["received"], row["resolved"], row["in_progress"]) == (10, 8, 7, 2)
    assert (row["on_time_rate"], row["early_rate"], row["online_rate"]) == (
        round(5 / 7, 4),
        round(2 / 7, 4),
        0.375,
    )
    assert row["label"] == UNIT_A.name

    body = await one_stop(
        http,
        leader(settings, UNIT_B.code),
        unit=UNIT_B.code,
        **{"from": "2026-02-01", "to": "2026-02-28"},
    )
    assert figures(body["total"]) == UNIT_B_FEB
    assert body["total"]["on_time_rate"] == round(2 / 3, 4)

    body = await one_stop(
        http,
        keys["p79"],
        unit=UNIT_A.code,
        group_by="field",
        **{"from": "2026-02-01", "to": "2026-02-28"},
    )
    assert {row["key"]: figures(row) for row in body["rows"]} == UNIT_A_FEB_BY_FIELD
    assert figures(body["total"]) == UNIT_A_FEB

    body = await one_stop(
        http, keys["p79"], unit=UNIT_A.code, **{"from": "2026-02-10", "to": "2026-02-24"}
    )
    assert figures(body["total"]) == UNIT_A_10_TO_24

    body = await one_stop(
        http, keys["p92"], province="92", **{"from": "2026-02-01", "to": "2026-02-28"}
    )
    assert [row["key"] for row in body["rows"]] == [UNIT_B.code] and figures(
        body["total"]
    ) == UNIT_B_FEB


async def test_satisfaction_indicators_and_overdue(http, keys, projected_month):
    feb = {"from": "2026-02-01", "to": "2026-02-28"}
    response = await http.get(
        "/api/v1/reports/satisfaction",
        headers=keys["p79"],
        params={"unit": UNIT_A.code, "group_by": "officer", **feb},
    )
    body = response.json()
    by_officer = {
        row["key"]: (
            row["unsatisfied"],
            row["satisfied"],
            row["very_satisfied"],
            row["satisfied_rate"],
        )
        for row in body["rows"]
    }
    assert by_officer == {"o1": (0, 1, 1, 1.0), "o2": (1, 1, 0, 0.5)}  # A1 A2 | A3 A10
    assert (body["total"]["answers"], body["total"]["satisfied_rate"]) == (4, 0.75)

    response = await http.get(
        "/api/v1/reports/satisfaction",
        headers=keys["p79"],
        params={"unit": UNIT_A.code, "group_by": "month", "from": "2026-02-01", "to": "2026-03-31"},
    )
    assert {row["key"]: row["answers"] for row in response.json()["rows"]} == {
        "2026-02": 4,
        "2026-03": 1,
    }

    # Survey answers carry no procedure name: rows per procedure are labelled by the code (not a
    # 500).
    response = await http.get(
        "/api/v1/reports/satisfaction",
        headers=keys["p79"],
        params={"unit": UNIT_A.code, "group_by": "procedure", **feb},
    )
    assert response.status_code == 200, response.text
    rows = response.json()["rows"]
    assert (
        all(row["label"] == row["key"] for row in rows) and sum(row["answers"] for row in rows) == 4
    )

    response = await http.get(
        "/api/v1/reports/indicators", headers=keys["p79"], params={"unit": UNIT_A.code, **feb}
    )
    total = response.json()["total"]
    assert (total["on_time_rate"], total["online_rate"], total["satisfaction_rate"]) == (
        round(5 / 7, 4),
        0.375,
        0.75,
    )
    assert (total["resolved_in_time"], total["received_online"], total["satisfied_answers"]) == (
        5,
        3,
        3,
    )

    # "now" is 09:00 on 2 March: A9 was due 24 Feb, B4 27 Feb; A8 is due 5 March.
    response = await http.get(
        "/api/v1/reports/overdue", headers=keys["p79"], params={"unit": UNIT_A.code}
    )
    body = response.json()
    assert body["as_of"] == "2026-03-02"
    assert [(d["code"], d["procedure_code"], d["days_late"]) for d in body["dossiers"]] == [
        ("A9", "1.002", 6)
    ]
    response = await http.get(
        "/api/v1/reports/overdue", headers=keys["p92"], params={"unit": UNIT_B.code}
    )
    assert [(d["code"], d["days_late"]) for d in response.json()["dossiers"]] == [("B4", 3)]


async def test_no_personal_data_reaches_the_reporting_database(mongo, projected_month):
    assert PHONE in projected_month[0].model_dump_json()  # the events did carry it
    national = PHONE.removeprefix("+84")
    for name in PROJECTIONS:
        async for doc in mongo[name].find():
            assert national not in repr(doc), f"{name} holds the citizen's phone: {doc}"
            assert "contact" not in doc


async def test_twice_and_shuffled_gives_the_same_figures(
    app, http, keys, mongo, amqp_url, exchange_name
):
    events = february()
    delivered = events * 2
    random.Random(20260216).shuffle(delivered)
    await publish_events(amqp_url, exchange_name, delivered)
    await wait_until_projected(mongo, len(events))
    feb = {"from": "2026-02-01", "to": "2026-02-28"}
    body = await one_stop(http, keys["p79"], unit=UNIT_A.code, group_by="field", **feb)
    assert {row["key"]: figures(row) for row in body["rows"]} == UNIT_A_FEB_BY_FIELD
    body = await one_stop(http, keys["p92"], unit=UNIT_B.code, **feb)
    assert figures(body["total"]) == UNIT_B_FEB
    body = await one_stop(
        http, keys["p79"], unit=UNIT_A.code, **{"from": "2026-02-10", "to": "2026-02-24"}
    )
    assert figures(body["total"]) == UNIT_A_10_TO_24
