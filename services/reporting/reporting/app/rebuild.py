"""Rebuild: drop the projections and replay the event logs of intake and survey through the
same projector the live consumer uses. Intake's log goes first, so a survey answer always
finds its unit's province. Run it with reporting-service stopped: queries meanwhile would see
half-built figures (events the live consumer applied meanwhile would still be correct)."""

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from motcua_shared.contract.envelope import parse_envelope
from motcua_shared.messaging.consumer import PermanentError
from motcua_shared.vietnam.timeutil import Clock

from reporting.app.ports import ParkedEvent, ProjectionStore
from reporting.app.projector import PROJECTED_EVENTS, Projector

_PROJECTED_TYPES = frozenset(model.event_type for model in PROJECTED_EVENTS)


class EventSource(Protocol):
    name: str

    async def check(self) -> None:
        """Raise if the log cannot be read (down, or refusing our token)."""
        ...

    def events(self) -> AsyncIterator[dict[str, Any]]:
        """Every event of the log, in write order, as envelope JSON."""
        ...


@dataclass
class RebuildSummary:
    read: int = 0
    applied: int = 0
    skipped: int = 0  # events reporting does not project, and duplicates
    parked_left: int = 0
    rejected: list[str] = field(default_factory=list)


async def rebuild(
    store: ProjectionStore, clock: Clock, sources: Sequence[EventSource]
) -> RebuildSummary:
    summary = RebuildSummary()

    async def reject(event: ParkedEvent, reason: str) -> None:
        summary.rejected.append(f"{event.event_id}: {reason}")

    projector = Projector(store, clock, reject)
    for source in sources:  # nothing is dropped unless every log answers
        await source.check()
    await store.drop_projections()
    for source in sources:
        async for raw in source.events():
            summary.read += 1
            await _replay(projector, source.name, raw, summary)
    summary.parked_left = await store.parked_count()
    return summary


async def _replay(
    projector: Projector, source: str, raw: dict[str, Any], summary: RebuildSummary
) -> None:
    try:
        envelope = parse_envelope(raw)
    except ValueError as exc:
        summary.rejected.append(f"{source} {raw.get('event_id')}: invalid envelope: {exc}")
        return
    if envelope.event_type not in _PROJECTED_TYPES:
        summary.skipped += 1
        return
    try:
        outcome = await projector.project(envelope)
    except PermanentError as exc:
        summary.rejected.append(f"{source} {envelope.event_id}: {exc}")
        return
    summary.applied += outcome.applied
    summary.skipped += int(outcome.duplicate)
