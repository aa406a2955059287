"""The deadline figures per unit through the broker and the report API: warned, apologised in
time, went overdue, resolved late — from intake's dossier.due_soon / .overdue and the apology."""

from reporting.testing.event_scripts import DossierScript, due, vn

from .conftest import CERT, LAND, UNIT_A, UNIT_B, leader, publish_events, wait_until_projected


def march() -> list:
    d1 = DossierScript("M1", UNIT_A, LAND)  # warned, apologised in time, overdue, resolved late
    d1.received(vn(2026, 3, 2), due(2026, 3, 13)), d1.handed_over(vn(2026, 3, 3))
    d1.due_soon(vn(2026, 3, 11, 0, 1)), d1.apology(vn(2026, 3, 12), due(2026, 3, 20))
    d1.overdue(vn(2026, 3, 23, 0, 1)), d1.resolved(vn(2026, 3, 24))
    d2 = DossierScript("M2", UNIT_A, CERT)  # warned, resolved in time
    (
        d2.received(vn(2026, 3, 2), due(2026, 3, 9)),
        d2.due_soon(vn(2026, 3, 5, 0, 1)),
        d2.resolved(vn(2026, 3, 6)),
    )
    d3 = DossierScript("M3", UNIT_B, CERT)  # another unit: overdue, still open
    d3.received(vn(2026, 3, 2), due(2026, 3, 4)), d3.overdue(vn(2026, 3, 5, 0, 1))
    return [*d1.envelopes, *d2.envelopes, *d3.envelopes]


async def test_deadline_figures_per_unit_and_period(
    http, keys, settings, app, mongo, amqp_url, exchange_name
):
    events = march()
    await publish_events(amqp_url, exchange_name, events)
    await wait_until_projected(mongo, len(events))

    def figures(row: dict) -> tuple:
        return row["warned"], row["apologised_in_time"], row["went_overdue"], row["resolved_late"]

    whole = await http.get(
        "/api/v1/reports/deadlines",
        headers=keys["p79"],
        params={"unit": UNIT_A.code, "from": "2026-03-01", "to": "2026-03-31"},
    )
    assert whole.status_code == 200, whole.text
    (row,) = whole.json()["rows"]
    assert row["key"] == UNIT_A.code and figures(row) == (2, 1, 1, 1) == figures(
        whole.json()["total"]
    )

    first_half = await http.get(
        "/api/v1/reports/deadlines",
        headers=leader(settings, UNIT_A.code),
        params={
            "unit": UNIT_A.code,
            "from": "2026-03-01",
            "to": "2026-03-15",
            "group_by": "procedure",
        },
    )
    rows = {r["key"]: figures(r) for r in first_half.json()["rows"]}
    assert rows == {LAND.code: (1, 1, 0, 0), CERT.code: (1, 0, 0, 0)}

    other = await http.get(
        "/api/v1/reports/deadlines",
        headers=keys["p92"],
        params={"province": "92", "from": "2026-03-01", "to": "2026-03-31"},
    )
    assert [figures(r) for r in other.json()["rows"]] == [(0, 0, 1, 0)]
    refused = await http.get(
        "/api/v1/reports/deadlines",
        headers=keys["p92"],
        params={"unit": UNIT_A.code, "from": "2026-03-01", "to": "2026-03-31"},
    )
    assert refused.status_code == 403
