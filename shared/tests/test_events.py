"""The contract: routing keys derive from class names; envelopes round-trip; unknown
events and malformed payloads are refused."""

import json
from datetime import datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from motcua_shared.contract.dossier_events import DossierReceived, SupplementRequested
from motcua_shared.contract.envelope import Envelope, UnknownEventType, parse_envelope
from motcua_shared.contract.event_base import EVENT_TYPES, CitizenContact
from motcua_shared.contract.survey_events import SurveyAnswered


def _received(**overrides):
    fields = dict(
        unit_name="UBND phường Bình Thạnh",
        province_code="79",
        procedure_code="1.001193",
        procedure_name="Đăng ký khai sinh",
        field_code="ho-tich",
        channel="direct",
        status="received",
        officer_id="desk01",
        contact=CitizenContact(phone="+84912345678", consent=True),
    )
    return DossierReceived(**(fields | overrides))


def _wrap(payload, version=1):
    return Envelope.wrap(
        payload,
        aggregate_id="26734-261125-0001",
        aggregate_version=version,
        unit_code="26734",
        correlation_id="c-1",
        occurred_at=datetime(2026, 11, 25, 9, 0, tzinfo=timezone(timedelta(hours=7))),
    )


def test_routing_keys_derive_from_class_names():
    assert DossierReceived.routing_key() == "dossier.received"
    assert SupplementRequested.routing_key() == "dossier.supplement_requested"
    assert SurveyAnswered.routing_key() == "survey.answered"
    assert len({key for key, _ in EVENT_TYPES}) == len(EVENT_TYPES)


def test_envelope_round_trips_with_typed_payload_and_utc_time():
    envelope = _wrap(_received())
    parsed = parse_envelope(envelope.model_dump_json().encode())
    assert isinstance(parsed.payload, DossierReceived)
    assert parsed == envelope
    assert parsed.occurred_at.utcoffset() == timedelta(0)
    assert parsed.occurred_at.hour == 2


def test_unknown_event_type_and_version_are_refused():
    body = json.loads(_wrap(_received()).model_dump_json())
    with pytest.raises(UnknownEventType):
        parse_envelope(body | {"event_type": "dossier.teleported"})
    with pytest.raises(UnknownEventType):
        parse_envelope(body | {"schema_version": 99})


def test_payload_rejects_unknown_fields_and_naive_times():
    body = json.loads(_wrap(_received()).model_dump_json())
    body["payload"]["citizen_name"] = "Nguyễn Văn A"  # personal data has no place in events
    with pytest.raises(ValidationError):
        parse_envelope(body)
    with pytest.raises(ValidationError):
        _received(received_at=datetime(2026, 1, 1, 8, 0))
