"""Ordering, idempotency, parking and dead-lettering, on an in-memory fake of the store."""

from datetime import UTC, datetime, timedelta

import pytest

from motcua_shared.contract.envelope import parse_envelope
from motcua_shared.contract.survey_events import SatisfactionLevel
from motcua_shared.messaging.consumer import PermanentError
from motcua_shared.testing.clock import SettableClock

from reporting.app.parked_sweeper import ParkedSweeper
from reporting.app.projector import Projector
from reporting.app.rebuild import rebuild
from reporting.testing.event_scripts import (
    PHONE,
    DossierScript,
    Procedure,
    Unit,
    due,
    survey_answer,
    vn,
)

from .fakes import FakeProjectionStore

UNIT = Unit("26734", "UBND phường Bình Thạnh", "79")
CERT = Procedure("1.001", "Chứng thực bản sao", "chung-thuc")
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


@pytest.fixture
def store():
    return FakeProjectionStore()


@pytest.fixture
def clock():
    return SettableClock(NOW)


@pytest.fixture
def rejected():
    return []


@pytest.fixture
def projector(store, clock, rejected):
    async def reject(event, reason):
        rejected.append((event.aggregate_version, reason))

    return Projector(store, clock, reject)


def four_events() -> DossierScript:
    script = DossierScript("D1", UNIT, CERT)
    script.received(vn(2026, 2, 2), due(2026, 2, 5))
    script.handed_over(vn(2026, 2, 3))
    script.resolved(vn(2026, 2, 4))
    script.returned(vn(2026, 2, 6))
    return script


async def test_events_in_order_then_duplicates_change_nothing(store, projector):
    script = four_events()
    for envelope in script.envelopes:
        assert (await projector.project(envelope)).applied == 1
    counters = store.counters()
    for envelope in script.envelopes:
        assert (await projector.project(envelope)).duplicate
    assert store.counters() == counters and store.dossier("D1").version == 4
    assert [name for *_, name in counters] == ["received_direct", "resolved_early"]


async def test_an_event_ahead_of_its_predecessor_waits_and_applies_when_the_gap_fills(
    store, projector
):
    first, second, third, fourth = four_events().envelopes
    assert (await projector.project(fourth)).parked
    assert (await projector.project(third)).parked
    assert (await projector.project(third)).parked  # redelivered while parked: parked once
    assert "D1" not in store.committed.data["dossiers"]
    assert (await projector.project(first)).applied == 1
    outcome = await projector.project(second)
    assert outcome.applied == 3 and store.dossier("D1").version == 4
    assert await store.parked_count() == 0
    assert [name for *_, name in store.counters()] == ["received_direct", "resolved_early"]


async def test_a_parked_event_keeps_no_personal_data_and_still_applies(store, projector):
    first, second, third, _ = four_events().envelopes
    assert PHONE in third.model_dump_json()  # a resolution carries the citizen's contact
    await projector.project(third)
    (parked,) = store.committed.data["parked"].values()
    assert PHONE.removeprefix("+84") not in parked.body
    await projector.project(first)
    assert (await projector.project(second)).applied == 2
    assert store.dossier("D1").timeliness == "early"


async def test_an_inconsistent_event_is_permanent_and_leaves_everything_as_it_was(store, projector):
    script = four_events()
    await projector.project(script.envelopes[0])
    script.unit = Unit("31120", "UBND phường Cái Khế", "92")
    wrong = script.handed_over(vn(2026, 2, 7))
    wrong = wrong.model_copy(update={"aggregate_version": 2})
    with pytest.raises(PermanentError, match="belongs to unit 26734"):
        await projector.project(wrong)
    assert store.dossier("D1").version == 1 and not await store.committed.is_processed(
        str(wrong.event_id)
    )


async def test_a_parked_event_found_inconsistent_is_rejected_but_its_predecessor_commits(
    store, projector, rejected
):
    script = DossierScript("D2", UNIT, CERT)
    first = script.received(vn(2026, 2, 2), due(2026, 2, 5))
    bad = script.resolved(vn(2026, 2, 1))  # before its receipt
    await projector.project(bad)
    assert (await projector.project(first)).applied == 1
    assert rejected and rejected[0][0] == 2 and "before its receipt" in rejected[0][1]
    assert store.dossier("D2").version == 1 and await store.parked_count() == 0


async def test_parked_too_long_goes_to_the_dead_letter_queue_with_a_reason(store, projector, clock):
    stranger = four_events().envelopes[2]  # version 3 of a dossier never seen
    await projector.project(stranger)
    letters = []

    async def dead_letter(raw, routing_key, reason):
        letters.append((raw, routing_key, reason))

    sweeper = ParkedSweeper(store, projector, dead_letter, clock, timedelta(minutes=60))
    assert await sweeper.sweep() == 0
    clock.now += timedelta(minutes=61)
    assert await sweeper.sweep() == 1
    raw, routing_key, reason = letters[0]
    assert routing_key == "dossier.resolved" and parse_envelope(raw).event_id == stranger.event_id
    assert "unknown dossier D1" in reason and "version 1" in reason
    assert await store.parked_count() == 0


async def test_survey_answers_once_per_dossier_with_the_units_province(store, projector):
    script = four_events()
    await projector.project(script.envelopes[0])
    answer = survey_answer(script, SatisfactionLevel.SATISFIED, vn(2026, 2, 7))
    answer = answer.model_copy(
        update={"payload": answer.payload.model_copy(update={"province_code": None})}
    )
    assert (await projector.project(answer)).applied == 1
    assert store.committed.data["answers"]["D1"].province_code == "79"
    assert (await projector.project(answer)).duplicate
    with pytest.raises(PermanentError, match="already has a survey answer"):
        await projector.project(
            survey_answer(script, SatisfactionLevel.UNSATISFIED, vn(2026, 2, 8))
        )


class ListSource:
    def __init__(self, name, events):
        self.name, self._events = name, events

    async def check(self):
        pass

    async def events(self):
        for event in self._events:
            yield event


async def test_rebuild_drops_and_replays_every_log(store, clock):
    script = four_events()
    answer = survey_answer(script, SatisfactionLevel.VERY_SATISFIED, vn(2026, 2, 7))
    await store.in_transaction(lambda tx: tx.mark_processed("stale", NOW))
    intake = ListSource(
        "intake", [e.model_dump(mode="json") for e in script.envelopes] + [{"event_type": "x"}]
    )
    survey = ListSource("survey", [answer.model_dump(mode="json")])
    summary = await rebuild(store, clock, [intake, survey])
    assert (summary.read, summary.applied, summary.parked_left) == (6, 5, 0)
    assert len(summary.rejected) == 1 and "invalid envelope" in summary.rejected[0]
    assert not await store.committed.is_processed("stale")
    assert store.dossier("D1").version == 4
