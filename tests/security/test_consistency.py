"""Issue 14.8: same rule, same answer. An officer of another unit got 200 with an empty list from
notify's messages API (403 everywhere else); a malformed `unit` in reporting got 403, not 422."""

import httpx

from .kit import OTHER_UNIT, UNIT, eventually, new_citizen, receive


def test_notify_refuses_an_officer_of_another_unit_like_intake(system):
    code = receive(system, new_citizen())
    own = system.token("desk01", UNIT, "desk")
    other = system.token("desk09", OTHER_UNIT, "desk")
    messages = f"{system.urls['notify']}/api/v1/dossiers/{code}/messages"
    eventually(
        lambda: httpx.get(messages, headers=own, timeout=15).json()["messages"],
        what="the receipt message",
    )
    from_notify = httpx.get(messages, headers=other, timeout=15)
    from_intake = httpx.get(
        f"{system.urls['intake']}/api/v1/dossiers/{code}", headers=other, timeout=15
    )
    assert from_intake.status_code == from_notify.status_code == 403
    assert from_notify.json()["error"] == "forbidden" and from_notify.json()["message_en"]


def test_reporting_answers_a_malformed_unit_with_422_naming_it(system):
    leader = system.token("ld01", UNIT, "leader")
    for bad in ("26734'); --", "../26734", " 26734", "<b>"):
        answer = httpx.get(
            f"{system.urls['reporting']}/api/v1/reports/one-stop",
            headers=leader,
            timeout=15,
            params={"unit": bad, "from": "2026-01-01", "to": "2026-01-31"},
        )
        assert answer.status_code == 422, (bad, answer.text)
        assert answer.json()["errors"][0]["field"] == "unit"
    elsewhere = httpx.get(
        f"{system.urls['reporting']}/api/v1/reports/one-stop",
        headers=leader,
        timeout=15,
        params={"unit": OTHER_UNIT, "from": "2026-01-01", "to": "2026-01-31"},
    )
    assert elsewhere.status_code == 403  # well-formed, another unit's: the scope answers
