"""Issue 14.3 and 14.4: the look-up lock-out. Rotating X-Forwarded-For from 127.0.0.1 gave 30
tries where 5 are allowed and found the right last 4 digits; spreading guesses over many
addresses would cover the 10,000 values; a citizen opening the link in their message counted as
a failed guess. Now forwarded headers count only from configured proxies (none by default),
guesses are limited per dossier code as well, a request without digits is no guess, and every
limit answers 429 with Retry-After."""

import httpx

from .kit import UNIT, new_citizen, receive

PUBLIC = "/api/v1/public/dossiers/"


def _from(address: str) -> dict:
    """A client connecting from another loopback address (the service listens on 127.0.0.1)."""
    return {"transport": httpx.HTTPTransport(local_address=address)}


def test_a_forged_x_forwarded_for_does_not_reset_the_lock_out(system):
    citizen = new_citizen()
    code = receive(system, citizen)
    right = citizen["phone"][-4:]
    wrong = [f"{n:04d}" for n in range(30) if f"{n:04d}" != right]
    answers = []
    # From 127.0.0.1, which uvicorn's own default trusts as a proxy (no other look-up here comes
    # from it)
    with httpx.Client(base_url=system.urls["intake"], timeout=15) as http:
        for n, digits in enumerate([*wrong[:29], right]):
            answers.append(
                http.get(
                    PUBLIC + code,
                    params={"phone_last4": digits},
                    headers={"X-Forwarded-For": f"203.0.113.{n + 1}"},
                )
            )
    statuses = [a.status_code for a in answers]
    assert statuses[:5] == [404] * 5 and set(statuses[5:]) == {429}, (
        statuses
    )  # the right digits too
    assert int(answers[-1].headers["Retry-After"]) > 0


def test_guesses_spread_over_many_addresses_are_limited_per_dossier(system):
    citizen = new_citizen()
    code = receive(system, citizen)
    right = citizen["phone"][-4:]
    guesses = iter(f"{n:04d}" for n in range(100, 200) if f"{n:04d}" != right)
    # 10 wrong guesses (the limit per dossier) from 3 addresses, each under its own limit of 5
    for host, tries in ((20, 4), (21, 4), (22, 2)):
        with httpx.Client(
            base_url=system.urls["intake"], timeout=15, **_from(f"127.0.0.{host}")
        ) as http:
            for _ in range(tries):
                assert (
                    http.get(PUBLIC + code, params={"phone_last4": next(guesses)}).status_code
                    == 404
                )
    with httpx.Client(base_url=system.urls["intake"], timeout=15, **_from("127.0.0.30")) as fresh:
        found = fresh.get(PUBLIC + code, params={"phone_last4": right})
        other = fresh.get(PUBLIC + receive(system, new_citizen()), params={"phone_last4": "0000"})
    assert found.status_code == 429 and int(found.headers["Retry-After"]) > 0, found.text
    assert other.status_code == 404  # that address, and other dossiers, are not locked


def test_opening_a_link_is_not_a_failed_guess(system):
    citizen = new_citizen()
    code = receive(system, citizen)
    with httpx.Client(base_url=system.urls["intake"], timeout=15, **_from("127.0.0.40")) as http:
        opened = [http.get(PUBLIC + code) for _ in range(12)]  # clicks on the link, no digits
        looked_up = http.get(PUBLIC + code, params={"phone_last4": citizen["phone"][-4:]})
    assert {a.status_code for a in opened} == {404}
    assert looked_up.status_code == 200, looked_up.text


def test_the_suggestion_box_believes_no_forged_address(system):
    with httpx.Client(
        base_url=system.urls["survey"], timeout=15
    ) as http:  # from 127.0.0.1, as above
        answers = [
            http.post(
                f"/api/v1/units/{UNIT}/suggestions",
                json={"text": f"Góp ý số {n}"},
                headers={"X-Forwarded-For": f"198.51.100.{n}"},
            )
            for n in range(1, 9)
        ]
        form = http.post(
            f"/hop-thu/{UNIT}",
            data={"text": "Một góp ý nữa"},
            headers={"X-Forwarded-For": "198.51.100.99"},
        )
    statuses = [a.status_code for a in answers]
    assert statuses[:5] == [201] * 5 and set(statuses[5:]) == {429}, statuses
    assert int(answers[-1].headers["Retry-After"]) > 0
    assert form.status_code == 429 and int(form.headers["Retry-After"]) > 0
