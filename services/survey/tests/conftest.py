"""Fixtures both test layers use: a settable clock and ResultReturned envelopes."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from motcua_shared.contract.dossier_events import (
    Channel,
    DossierStatus,
    ResolutionOutcome,
    ResultReturned,
    ReturnMethod,
)
from motcua_shared.contract.envelope import Envelope
from motcua_shared.contract.event_base import CitizenContact
from motcua_shared.testing.clock import SettableClock

UNIT = "79-27100"
PHONE = "+84912345678"


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))


@pytest.fixture
def returned() -> Callable[..., Envelope[Any]]:
    """`returned(code, unit=…, **payload overrides)` → a ResultReturned envelope as intake
    sends it."""

    def make(code: str, unit: str = UNIT, **overrides: Any) -> Envelope[Any]:
        at = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
        fields: dict[str, Any] = dict(
            unit_name="UBND phường Bình Thạnh",
            province_code="79",
            procedure_code="1.001193",
            procedure_name="Cấp bản sao trích lục hộ tịch",
            field_code="ho-tich",
            channel=Channel.DIRECT,
            status=DossierStatus.RETURNED,
            officer_id="desk-lan",
            method=ReturnMethod.AT_DESK,
            outcome=ResolutionOutcome.APPROVED,
            resolved_at=at,
            returned_at=at,
            contact=CitizenContact(phone=PHONE, consent=True),
        )
        fields.update(overrides)
        return Envelope.wrap(
            ResultReturned(**fields),
            aggregate_id=code,
            aggregate_version=6,
            unit_code=unit,
            correlation_id=f"corr-{code}",
            occurred_at=at,
            event_id=uuid.uuid4(),
        )

    return make
