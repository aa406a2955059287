"""Applies events to the projections: idempotent, in dossier-version order, a batch per transaction.

- an event already processed, or of a version the dossier already has, changes nothing;
- an event ahead of its predecessor is parked and applied when the gap is filled (in the
  same transaction as the event that fills it);
- an event that can never apply raises PermanentError (the consumer dead-letters it); a parked
  event found inconsistent when its turn comes goes to `reject` (the DLQ, live) inside the
  transaction, so the event that filled the gap still commits (a retried transaction may
  reject it twice: the DLQ gets a copy at least once, never none).

Used by the live consumer and by the rebuild alike. The consumer hands over a batch; its
events are applied in arrival order, one after the other, in one transaction whose reads were
fetched up front and whose writes are flushed at the end (the store merges every counter
increment per document: Preload, adapters/projection_batch.py). A PermanentError from any event
aborts the whole batch; the consumer then splits it to find that event. Batches are applied one
at a time (the lock), and one consumer runs per database. Not for lack of conflict
detection (SecantusDB, like
MongoDB, aborts the second of two transactions writing the same document with a WriteConflict,
and with_transaction retries it), but because snapshot isolation allows write skew here: a
transaction parking v2 and one applying v1 write different documents, the drain does not see
the uncommitted park, and v2 would wait for the sweeper instead of applying. The lock also keeps
the sweeper from dead-lettering an event a transaction is draining, and spares retries on the
shared counter documents.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from motcua_shared.contract.envelope import Envelope, all_event_models, parse_envelope
from motcua_shared.contract.event_base import EventPayload
from motcua_shared.contract.feedback_events import FeedbackAnswered, FeedbackOpened
from motcua_shared.contract.survey_events import SurveyAnswered
from motcua_shared.messaging.consumer import PermanentError
from motcua_shared.vietnam.timeutil import Clock

from reporting.app.ports import ParkedEvent, Preload, ProjectionStore, ProjectionTx
from reporting.domain.dossier_projection import DossierState, InconsistentEvent, apply_event
from reporting.domain.feedback import feedback_count
from reporting.domain.satisfaction import answer_from

log = logging.getLogger(__name__)

# Every dossier event, the survey answers and the feedback follow-ups: what the consumer
# subscribes to and a rebuild replays.
FEEDBACK_EVENTS: tuple[type[EventPayload], ...] = (FeedbackOpened, FeedbackAnswered)
PROJECTED_EVENTS: tuple[type[EventPayload], ...] = (
    *(model for model in all_event_models() if model.aggregate == "dossier"),
    SurveyAnswered,
    *FEEDBACK_EVENTS,
)


RejectParked = Callable[[ParkedEvent, str], Awaitable[None]]  # (event, reason)


@dataclass
class Outcome:
    applied: int = 0
    duplicate: bool = False
    parked: bool = False


class Projector:
    def __init__(self, store: ProjectionStore, clock: Clock, reject: RejectParked) -> None:
        self.store = store
        self.clock = clock
        self.reject = reject
        self.lock = (
            asyncio.Lock()
        )  # one event at a time: no park/drain write skew (module docstring)

    async def project(self, envelope: Envelope[Any]) -> Outcome:
        return await self.project_batch([envelope])

    async def project_batch(self, envelopes: Sequence[Envelope[Any]]) -> Outcome:
        """Apply `envelopes` in order in one transaction; the outcome adds theirs up."""
        async with self.lock:
            return await self.store.in_transaction(
                lambda tx: self._each(tx, envelopes), preload_for(envelopes)
            )

    async def _each(self, tx: ProjectionTx, envelopes: Sequence[Envelope[Any]]) -> Outcome:
        total = Outcome()
        for envelope in envelopes:
            if isinstance(envelope.payload, SurveyAnswered):
                outcome = await self._answer(tx, envelope)
            elif isinstance(envelope.payload, FEEDBACK_EVENTS):
                outcome = await self._feedback(tx, envelope)
            else:
                outcome = await self._dossier_event(tx, envelope)
            total.applied += outcome.applied
            total.duplicate |= outcome.duplicate
            total.parked |= outcome.parked
        return total

    async def _dossier_event(self, tx: ProjectionTx, envelope: Envelope[Any]) -> Outcome:
        if await tx.is_processed(str(envelope.event_id)):
            return Outcome(duplicate=True)
        state = await tx.load_dossier(envelope.aggregate_id)
        stored = state.version if state else 0
        if envelope.aggregate_version <= stored:
            return Outcome(duplicate=True)
        if envelope.aggregate_version > stored + 1:
            await tx.park(ParkedEvent.of(envelope, self.clock()))
            log.info(
                "parked %s v%d of %s (have v%d)",
                envelope.event_type,
                envelope.aggregate_version,
                envelope.aggregate_id,
                stored,
            )
            return Outcome(parked=True)
        try:
            state = await self._apply(tx, state, envelope)
        except InconsistentEvent as exc:
            raise PermanentError(str(exc)) from exc
        outcome = Outcome(applied=1)
        await self._drain(tx, state, outcome)
        return outcome

    async def _apply(
        self, tx: ProjectionTx, state: DossierState | None, envelope: Envelope[Any]
    ) -> DossierState:
        after, changes = apply_event(state, envelope)
        await tx.save_dossier(after, changes, new=state is None)
        await tx.mark_processed(str(envelope.event_id), self.clock())
        return after

    async def _drain(self, tx: ProjectionTx, state: DossierState, outcome: Outcome) -> None:
        """Apply the parked successors the event just made applicable."""
        while (parked := await tx.take_parked(state.code, state.version + 1)) is not None:
            try:
                state = await self._apply(tx, state, parse_envelope(parked.body))
            except ValueError as exc:  # malformed or inconsistent (InconsistentEvent is one)
                await self.reject(parked, str(exc))
                return
            outcome.applied += 1

    async def _answer(self, tx: ProjectionTx, envelope: Envelope[Any]) -> Outcome:
        event_id = str(envelope.event_id)
        if await tx.is_processed(event_id):
            return Outcome(duplicate=True)
        payload: SurveyAnswered = envelope.payload
        existing = await tx.load_answer(payload.dossier_code)
        if existing is not None:
            if existing.event_id == event_id:
                return Outcome(duplicate=True)
            raise PermanentError(
                f"dossier {payload.dossier_code} already has a survey answer "
                f"(event {existing.event_id}); one answer per dossier"
            )
        unit = await tx.unit_directory(envelope.unit_code)
        province = payload.province_code or (unit[0] if unit else None)
        if province is None:
            raise PermanentError(
                f"unit {envelope.unit_code} of survey answer for {payload.dossier_code} "
                "has no known province"
            )
        unit_name = unit[1] if unit else envelope.unit_code
        await tx.save_answer(answer_from(envelope, province_code=province, unit_name=unit_name))
        await tx.mark_processed(event_id, self.clock())
        return Outcome(applied=1)

    async def _feedback(self, tx: ProjectionTx, envelope: Envelope[Any]) -> Outcome:
        """One counter per feedback event; counters commute, so opened and answered apply
        in any order."""
        event_id = str(envelope.event_id)
        if await tx.is_processed(event_id):
            return Outcome(duplicate=True)
        count = feedback_count(envelope)
        unit = await tx.unit_directory(envelope.unit_code)
        province = count.province_code or (unit[0] if unit else None)
        if province is None:
            raise PermanentError(
                f"unit {envelope.unit_code} of feedback {envelope.aggregate_id} has no "
                "known province"
            )
        await tx.save_feedback(
            replace(
                count,
                province_code=province,
                unit_name=count.unit_name or (unit[1] if unit else envelope.unit_code),
            )
        )
        await tx.mark_processed(event_id, self.clock())
        return Outcome(applied=1)


def preload_for(envelopes: Sequence[Envelope[Any]]) -> Preload:
    """The event ids, dossiers (and their parked events, survey answers) and units a batch reads."""
    answered = {e.payload.dossier_code for e in envelopes if isinstance(e.payload, SurveyAnswered)}
    return Preload(
        frozenset(str(e.event_id) for e in envelopes),
        frozenset({e.aggregate_id for e in envelopes} | answered),
        frozenset(e.unit_code for e in envelopes),
        frozenset(answered),
    )
