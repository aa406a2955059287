"""Digitisation and online payment (Decision 766/QĐ-TTg) consumed from the broker: figures
counted by hand from the script below, per unit, in the indicators report."""

from motcua_shared.contract.dossier_events import Channel

from reporting.testing.event_scripts import DossierScript, due, vn

from .conftest import CERT, UNIT_A, UNIT_B, leader, publish_events, wait_until_projected


def script() -> list:
    # Unit A: 4 received in Feb. D1 scanned + paid online + result scanned; D2 scanned (reused) +
    # paid in cash; D3 paid online twice-told (one FeePaid event only, intake's rule); D4 waived.
    d1, d2, d3, d4 = (DossierScript(f"SI{i}", UNIT_A, CERT) for i in range(1, 5))
    b1 = DossierScript("SB1", UNIT_B, CERT, Channel.ONLINE)
    events = [
        d1.received(vn(2026, 2, 2), due(2026, 2, 5)),
        d1.paper_digitised(vn(2026, 2, 2, 9, 5)),
        d1.fee_paid(vn(2026, 2, 2, 10)),
        d1.resolved(vn(2026, 2, 3)),
        d1.result_digitised(vn(2026, 2, 3, 10)),
        d2.received(vn(2026, 2, 4), due(2026, 2, 9)),
        d2.paper_digitised(vn(2026, 2, 4, 9, 5), reused_from="SI1"),
        d2.fee_paid(vn(2026, 2, 4, 10), method="cash"),
        d2.resolved(vn(2026, 2, 5)),
        d3.received(vn(2026, 2, 5), due(2026, 2, 10)),
        d3.fee_paid(vn(2026, 2, 5, 11)),
        d4.received(vn(2026, 2, 6), due(2026, 2, 11)),
        d4.fee_waived(vn(2026, 2, 6, 9, 30)),
        b1.received(vn(2026, 2, 2), due(2026, 2, 5)),
        b1.paper_digitised(vn(2026, 2, 2, 9, 1)),
    ]
    return events


async def test_indicators_include_digitisation_and_online_payment(
    app, http, settings, mongo, amqp_url, exchange_name
):
    events = script()
    await publish_events(amqp_url, exchange_name, events)
    await wait_until_projected(mongo, len(events))
    response = await http.get(
        "/api/v1/reports/indicators",
        headers=leader(settings, UNIT_A.code),
        params={"unit": UNIT_A.code, "from": "2026-02-01", "to": "2026-02-28"},
    )
    assert response.status_code == 200, response.text
    total = response.json()["total"]
    assert (total["received"], total["resolved"]) == (4, 2)
    assert (total["digitised_papers"], total["digitised_papers_rate"]) == (2, 0.5)
    assert (total["digitised_results"], total["digitised_results_rate"]) == (1, 0.5)
    assert (total["fees_paid_online"], total["fees_paid_cash"], total["fees_waived"]) == (2, 1, 1)
    assert total["online_payment_rate"] == round(2 / 3, 4)
    march = await http.get(
        "/api/v1/reports/indicators",
        headers=leader(settings, UNIT_A.code),
        params={"unit": UNIT_A.code, "from": "2026-03-01", "to": "2026-03-31"},
    )
    assert march.json()["total"]["online_payment_rate"] is None
    other = await http.get(
        "/api/v1/reports/indicators",
        headers=leader(settings, UNIT_B.code),
        params={"unit": UNIT_B.code, "from": "2026-02-01", "to": "2026-02-28"},
    )
    assert (
        other.json()["total"]["digitised_papers_rate"],
        other.json()["total"]["fees_paid_online"],
    ) == (1.0, 0)
