"""Feedback counters (phản ánh, kiến nghị): received / answered on time / late per unit × day of
receipt, idempotent, never holding the citizen's contact."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from motcua_shared.contract.dossier_events import Channel
from motcua_shared.contract.envelope import Envelope
from motcua_shared.contract.event_base import CitizenContact
from motcua_shared.contract.feedback_events import FeedbackAnswered, FeedbackOpened, FeedbackSource
from motcua_shared.messaging.consumer import PermanentError

from reporting.app.projector import Projector
from reporting.app.rebuild import rebuild
from reporting.domain.feedback import (
    ANSWERED_LATE,
    ANSWERED_ON_TIME,
    RECEIVED,
    FeedbackCount,
    FeedbackFigures,
    feedback_count,
)
from reporting.testing.event_scripts import DossierScript, Procedure, Unit, due, vn

from .fakes import FakeProjectionStore

UNIT = "26734"
OPENED = datetime(2026, 3, 31, 17, 30, tzinfo=UTC)  # 01/04/2026 00:30 in Vietnam
DUE = datetime(2026, 4, 15, 16, 59, 59, 999_000, tzinfo=UTC)


def opened(follow_up: str = "f1", province: str | None = None) -> Envelope:
    payload = FeedbackOpened(
        source=FeedbackSource.SUGGESTION,
        unit_name=None,
        province_code=province,
        opened_at=OPENED,
        due_at=DUE,
    )
    return Envelope.wrap(
        payload,
        aggregate_id=follow_up,
        aggregate_version=1,
        unit_code=UNIT,
        correlation_id="c",
        occurred_at=OPENED,
    )


def answered(at: datetime, follow_up: str = "f1") -> Envelope:
    payload = FeedbackAnswered(
        source=FeedbackSource.SURVEY,
        dossier_code="D-1",
        unit_name="UBND phường Bình Thạnh",
        province_code="79",
        opened_at=OPENED,
        due_at=DUE,
        answered_at=at,
        on_time=at <= DUE,
        contact=CitizenContact(phone="+84912345678", consent=True),
    )
    return Envelope.wrap(
        payload,
        aggregate_id=follow_up,
        aggregate_version=2,
        unit_code=UNIT,
        correlation_id="c",
        occurred_at=at,
        event_id=uuid.uuid4(),
    )


def test_counted_on_the_local_day_of_receipt_on_time_up_to_the_due_instant() -> None:
    assert feedback_count(opened()) == FeedbackCount(UNIT, None, None, date(2026, 4, 1), RECEIVED)
    assert feedback_count(answered(DUE)).name == ANSWERED_ON_TIME
    late = feedback_count(answered(DUE + timedelta(milliseconds=1)))
    assert late.name == ANSWERED_LATE and late.day == date(
        2026, 4, 1
    )  # the receipt day, not the answer's


def test_figures_open_and_on_time_rate() -> None:
    figures = FeedbackFigures.of({RECEIVED: 4, ANSWERED_ON_TIME: 2, ANSWERED_LATE: 1})
    assert (figures.answered, figures.open, figures.on_time_rate) == (3, 1, 0.5)
    assert FeedbackFigures().on_time_rate is None
    assert figures + figures == FeedbackFigures(8, 4, 2)


async def test_projected_once_with_the_province_from_the_unit_directory() -> None:
    store = FakeProjectionStore()
    projector = Projector(store, lambda: OPENED, reject=None)  # type: ignore[arg-type]
    with pytest.raises(PermanentError, match="no known province"):
        await projector.project(
            opened()
        )  # a unit reporting never saw: dead-lettered with the reason
    store.committed.data["units"][UNIT] = ("79", "UBND phường Bình Thạnh")
    event = opened()
    assert (await projector.project(event)).applied == 1
    assert (await projector.project(event)).duplicate  # a redelivery changes nothing
    await projector.project(answered(DUE + timedelta(days=1)))
    counted = store.committed.data["feedback"]
    assert [(c.province_code, c.unit_name, c.name) for c in counted] == [
        ("79", "UBND phường Bình Thạnh", RECEIVED),
        ("79", "UBND phường Bình Thạnh", ANSWERED_LATE),
    ]
    assert "0912345678" not in repr(store.committed.data) and "+84912345678" not in repr(
        store.committed.data
    )


async def test_a_rebuild_replays_the_feedback_in_survey_s_log() -> None:
    class Log:
        def __init__(self, name: str, events: list) -> None:
            self.name, self._events = name, events

        async def check(self) -> None:
            pass

        async def events(self):
            for event in self._events:
                yield event.model_dump(mode="json")

    store = FakeProjectionStore()
    script = DossierScript(
        "D1",
        Unit(UNIT, "UBND phường Bình Thạnh", "79"),
        Procedure("1.001", "CT", "ct"),
        Channel.DIRECT,
    )
    script.received(vn(2026, 3, 30), due(2026, 4, 2))
    survey_log = [opened(), answered(DUE)]
    summary = await rebuild(
        store, lambda: OPENED, [Log("intake", script.envelopes), Log("survey", survey_log)]
    )
    assert (summary.applied, summary.rejected) == (3, [])
    assert [c.name for c in store.committed.data["feedback"]] == [RECEIVED, ANSWERED_ON_TIME]
