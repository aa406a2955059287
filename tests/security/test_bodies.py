"""Issue 14.5: a 10,000-level nested JSON body to notify's Zalo webhook gave a 500 (RecursionError):
the body was parsed before its signature was checked. Now the signature is checked on the raw
bytes first, webhook bodies are capped, and a malformed or deeply nested body gets a 4xx from
every service, never a 500."""

import httpx
import pytest

from notify.domain.zalo_events import SIGNATURE_HEADER, zalo_signature
from notify.settings import NotifySettings

from .kit import UNIT


def _secret(system, name: str) -> str:
    """The run's secret (the system's defaults when it has none)."""
    field = name.removeprefix("NOTIFY_").lower()
    return system.env.get(name, NotifySettings.model_fields[field].default)


DEEP = b'{"timestamp": "1", "a": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"
BROKEN = b'{"text": "unterminated'


def test_an_unsigned_deep_body_is_refused_before_parsing(system):
    answer = httpx.post(
        system.urls["notify"] + "/api/v1/webhooks/zalo",
        content=DEEP,
        headers={"Content-Type": "application/json", SIGNATURE_HEADER: "mac=forged"},
        timeout=15,
    )
    assert answer.status_code == 401 and answer.json()["error"] == "bad_signature"


def test_a_signed_deep_body_is_a_4xx(system):
    """Even with the right key (a provider gone wrong), parsing cannot crash the handler."""
    body = DEEP.decode()
    signature = zalo_signature(
        "sandbox-app", body, "1", _secret(system, "NOTIFY_ZALO_OA_SECRET_KEY")
    )
    answer = httpx.post(
        system.urls["notify"] + "/api/v1/webhooks/zalo",
        content=DEEP,
        headers={"Content-Type": "application/json", SIGNATURE_HEADER: signature},
        timeout=15,
    )
    assert 400 <= answer.status_code < 500, answer.text


@pytest.mark.parametrize(
    "path",
    ["/api/v1/webhooks/zalo", "/api/v1/webhooks/sms/delivery", "/api/v1/webhooks/sms/inbound"],
)
def test_webhook_bodies_are_capped(system, path):
    token = _secret(system, "NOTIFY_WEBHOOK_TOKEN")
    huge = b'{"phone": "84912345678", "text": "' + b"x" * 2_000_000 + b'"}'
    answer = httpx.post(
        system.urls["notify"] + path,
        params={"token": token},
        content=huge,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert answer.status_code == 413, answer.text[:300]
    assert answer.json()["message"] and answer.json()["message_en"]


def test_a_stop_signed_with_the_sandbox_default_token_is_refused(system):
    answer = httpx.post(
        system.urls["notify"] + "/api/v1/webhooks/sms/inbound",
        params={"token": "sandbox-webhook-token"},
        json={"phone": "84912345678", "text": "STOP"},
        timeout=15,
    )
    assert answer.status_code == 401


def _json_posts(system) -> list[tuple[str, dict]]:
    """Every JSON body endpoint, with the credentials it needs."""
    return [
        (system.urls["intake"] + "/api/v1/dossiers", system.token("desk01", UNIT, "desk")),
        (system.urls["notify"] + "/api/v1/opt-outs", system.token("desk01", UNIT, "desk")),
        (
            system.urls["notify"]
            + "/api/v1/webhooks/sms/delivery?token="
            + _secret(system, "NOTIFY_WEBHOOK_TOKEN"),
            {},
        ),
        (
            system.urls["notify"]
            + "/api/v1/webhooks/sms/inbound?token="
            + _secret(system, "NOTIFY_WEBHOOK_TOKEN"),
            {},
        ),
        (system.urls["notify"] + "/api/v1/webhooks/sms/inbound", {}),
        (system.urls["survey"] + f"/api/v1/units/{UNIT}/suggestions", {}),
        (
            system.urls["survey"] + f"/api/v1/kiosk/dossiers/{UNIT}-000000-0001/answer",
            system.token("desk01", UNIT, "desk"),
        ),
    ]


@pytest.mark.parametrize(
    "body",
    [DEEP, BROKEN, b"\xff\xfe\x00", b"[]", b"null"],
    ids=["deep", "broken", "bytes", "list", "null"],
)
def test_a_malformed_body_is_a_4xx_everywhere(system, body):
    for url, headers in _json_posts(system):
        answer = httpx.post(
            url, content=body, headers=headers | {"Content-Type": "application/json"}, timeout=15
        )
        assert 400 <= answer.status_code < 500, (url, answer.status_code, answer.text[:300])


@pytest.mark.parametrize(
    "body", [DEEP, b"\xff\xfe\x00", b"level=" + b"x" * 100_000], ids=["deep", "bytes", "long"]
)
def test_a_malformed_form_is_a_4xx(system, body):
    # from an address of its own: the suggestion box's flood limit is not this test's business
    with httpx.Client(
        timeout=15, transport=httpx.HTTPTransport(local_address="127.0.0.60")
    ) as http:
        for url in (
            f"{system.urls['survey']}/hop-thu/{UNIT}",
            f"{system.urls['survey']}/s/not-a-token",
        ):
            for content_type in (
                "application/x-www-form-urlencoded",
                "application/json",
                "multipart/form-data; boundary=x",
            ):
                answer = http.post(url, content=body, headers={"Content-Type": content_type})
                assert 400 <= answer.status_code < 500, (
                    url,
                    content_type,
                    answer.status_code,
                    answer.text[:200],
                )
