"""intake's OpenAPI under generated input: never a 5xx, nothing stored by a refused request."""

from typing import Any

from motcua_shared.web.auth import mint_token

from intake.adapters.seed import load_demo_data
from intake.main import create_app
from intake.settings import IntakeSettings

from .conftest import (
    EDGE_DATES,
    EDGE_DATETIMES,
    OFFICER_ROLES,
    OUTBOX_RELAY_FIELDS,
    Storage,
    bearer,
    fuzz_every_operation,
    served,
    steer,
)

UNIT = "26734"
PHONE = "0912 345 678"
IGNORED = {
    # A failed public look-up is recorded on purpose (that count is the lock-out), so a 404
    # from GET /api/v1/public/dossiers/{code} writes here: what the rate limit is made of.
    "lookup_failures": "failed public look-ups are counted by design (rate limit)",
    # Every verification of a QR token is counted, tampered and unknown ones too (by design).
    "verification_counts": "verifications are counted by outcome, refused ones included",
}


def test_intake_answers_bad_input_without_5xx_and_stores_nothing_it_refuses(
    amqp_url, mongodb_url, exchange_name, db_name, amqp_cleanup, sync_mongo, subtests
):
    settings = IntakeSettings(
        amqp_url=amqp_url,
        mongodb_url=mongodb_url,
        exchange=exchange_name,
        db_name=db_name,
        relay_poll_interval=0.2,
        lookup_max_failures=10**9,
    )  # let every look-up reach the handler
    officer = bearer(mint_token(settings.jwt_secret, "fuzz-officer", UNIT, OFFICER_ROLES))
    _units, procedures = load_demo_data()
    with served(create_app(settings)) as schema:
        dossiers = _seed(schema, officer(None))
        steer(
            schema,
            path={"code": dossiers, "unit": [UNIT, "79"], "agency": ["tu-phap", "cong-an", "bhxh"]},
            query={
                "unit": [UNIT],
                "procedure": [p.code for p in procedures],
                "phone_last4": ["5678"],
                "received_at": EDGE_DATETIMES,
            },
            body={
                "procedure_code": [p.code for p in procedures],
                "unit_code": [UNIT],
                "new_due_date": EDGE_DATES,
            },
        )
        storage = Storage(sync_mongo, db_name, volatile=OUTBOX_RELAY_FIELDS, ignored=IGNORED)
        tally = fuzz_every_operation(schema, subtests, storage, headers=officer)
    print("\n" + tally.report("intake"))


def _seed(schema: Any, headers: dict[str, str]) -> list[str]:
    """Dossiers in several states, so generated lifecycle steps meet real state machines."""

    def post(path: str, body: dict[str, Any], code: str | None = None) -> dict[str, Any]:
        case = schema[path]["POST"].Case(
            path_parameters={"code": code} if code else None, body=body
        )
        response = case.call(headers=headers)
        assert response.status_code in (200, 201), response.text
        return response.json()

    citizen = {"full_name": "Nguyễn Văn An", "phone": PHONE, "consent": True}

    def receive(procedure: str, desk_check: str = "complete", **extra: Any) -> str:
        body = {"procedure_code": procedure, "desk_check": desk_check, "citizen": citizen} | extra
        return post("/api/v1/dossiers", body)["code"]

    received = receive("1.001699")
    in_progress = receive("1.001699")
    post(
        "/api/v1/dossiers/{code}/hand-over",
        {"to_officer_id": "cv01", "step": "chuyen-mon"},
        in_progress,
    )
    resolved = receive("1.001699")
    post(
        "/api/v1/dossiers/{code}/hand-over",
        {"to_officer_id": "cv01", "step": "chuyen-mon"},
        resolved,
    )
    post("/api/v1/dossiers/{code}/resolve", {"outcome": "approved"}, resolved)
    awaiting = receive(
        "2.000843", "incomplete", missing_papers=["Bản chính"], reason="Thiếu bản chính"
    )
    linked = receive("LT-KS-TT-BHYT")
    return [received, in_progress, resolved, awaiting, linked]
