"""What the use cases need from storage: the projection store (written in transactions) and
the report reader. Mongo implements both (adapters/); unit tests use in-memory fakes."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from motcua_shared.contract.envelope import Envelope
from motcua_shared.contract.event_base import CitizenContact

from reporting.domain.counts import CountChange, Counts
from reporting.domain.dossier_projection import DossierState
from reporting.domain.feedback import FeedbackCount
from reporting.domain.periods import PeriodSlices
from reporting.domain.satisfaction import SurveyAnswer
from reporting.domain.scope import ReportTarget

T = TypeVar("T")


@dataclass(frozen=True)
class ParkedEvent:
    """An event that arrived before its predecessor, waiting: as received, except that the
    citizen's contact is replaced by an empty one (reporting never reads it and must hold no
    personal data; the body still parses as the same event)."""

    aggregate_id: str
    aggregate_version: int
    event_id: str
    routing_key: str
    body: str
    parked_at: datetime

    @classmethod
    def of(cls, envelope: Envelope[Any], parked_at: datetime) -> "ParkedEvent":
        return cls(
            envelope.aggregate_id,
            envelope.aggregate_version,
            str(envelope.event_id),
            envelope.routing_key,
            _without_contact(envelope).model_dump_json(),
            parked_at,
        )


def _without_contact(envelope: Envelope[Any]) -> Envelope[Any]:
    payload = envelope.payload
    if getattr(payload, "contact", None) is None:
        return envelope
    return envelope.model_copy(
        update={"payload": payload.model_copy(update={"contact": CitizenContact()})}
    )


class ProjectionTx(Protocol):
    """The projection inside one transaction: everything written commits together."""

    async def is_processed(self, event_id: str) -> bool: ...
    async def mark_processed(self, event_id: str, at: datetime) -> None: ...
    async def load_dossier(self, code: str) -> DossierState | None: ...
    async def save_dossier(
        self, state: DossierState, changes: list[CountChange], *, new: bool
    ) -> None: ...
    async def park(self, event: ParkedEvent) -> None: ...
    async def take_parked(self, code: str, version: int) -> ParkedEvent | None: ...
    async def load_answer(self, dossier_code: str) -> SurveyAnswer | None: ...
    async def save_answer(self, answer: SurveyAnswer) -> None: ...
    async def save_feedback(self, count: FeedbackCount) -> None: ...
    async def unit_directory(self, unit_code: str) -> tuple[str, str] | None:
        """(province_code, unit_name) of a unit seen on a dossier event."""
        ...


@dataclass(frozen=True)
class Preload:
    """What a batch will read, so the store can fetch it with one `$in` read per collection."""

    event_ids: frozenset[str] = frozenset()
    dossier_codes: frozenset[str] = frozenset()
    unit_codes: frozenset[str] = frozenset()
    answer_codes: frozenset[str] = frozenset()  # dossiers of survey answers: read their answer


class ProjectionStore(Protocol):
    async def in_transaction(
        self, work: Callable[[ProjectionTx], Awaitable[T]], preload: Preload = Preload()
    ) -> T:
        """Run `work` in one transaction; what `preload` names is read up front (one `$in` read
        per collection) and everything written is flushed at the end (one bulk write each)."""
        ...

    async def parked_since_before(self, moment: datetime) -> list[ParkedEvent]: ...
    async def stored_version(self, code: str) -> int: ...
    async def remove_parked(self, event: ParkedEvent) -> bool: ...
    async def parked_count(self) -> int: ...
    async def drop_projections(self) -> None: ...


@dataclass(frozen=True)
class Labelled:
    """Counters of one group (unit, field, procedure…) with its display name."""

    label: str
    counts: Counts


class ReportReader(Protocol):
    async def period_counts(
        self, target: ReportTarget, slices: PeriodSlices, group_by: str
    ) -> dict[str, Labelled]: ...
    async def counts_before(
        self, target: ReportTarget, day: date, group_by: str
    ) -> dict[str, Labelled]: ...
    async def satisfaction_counts(
        self, target: ReportTarget, start: date, end: date, group_by: str
    ) -> dict[str, Labelled]: ...
    async def feedback_counts(
        self, target: ReportTarget, start: date, end: date, group_by: str
    ) -> dict[str, Labelled]: ...
    async def overdue_dossiers(self, unit_code: str, today: date) -> list[DossierState]: ...
    async def unit_province(self, unit_code: str) -> str | None: ...
