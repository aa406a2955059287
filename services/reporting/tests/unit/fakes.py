"""In-memory fakes of reporting's own ports (not of MongoDB): the same contracts, kept in dicts."""

import copy
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from reporting.app.ports import ParkedEvent
from reporting.domain.counts import CountChange
from reporting.domain.dossier_projection import DossierState
from reporting.domain.feedback import FeedbackCount
from reporting.domain.satisfaction import SurveyAnswer

T = TypeVar("T")


class FakeProjection:
    """One dict per collection; a transaction works on a copy and commits it only on success."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {
            "processed": set(),
            "dossiers": {},
            "counts": [],
            "parked": {},
            "answers": {},
            "units": {},
            "feedback": [],
        }

    async def is_processed(self, event_id: str) -> bool:
        return event_id in self.data["processed"]

    async def mark_processed(self, event_id: str, at: datetime) -> None:
        assert event_id not in self.data["processed"]
        self.data["processed"].add(event_id)

    async def load_dossier(self, code: str) -> DossierState | None:
        return self.data["dossiers"].get(code)

    async def save_dossier(
        self, state: DossierState, changes: list[CountChange], *, new: bool
    ) -> None:
        self.data["dossiers"][state.code] = state
        self.data["counts"].extend(
            (state.unit_code, state.procedure_code, c.day, c.name) for c in changes
        )
        if new:
            self.data["units"][state.unit_code] = (state.province_code, state.unit_name)

    async def park(self, event: ParkedEvent) -> None:
        self.data["parked"].setdefault((event.aggregate_id, event.aggregate_version), event)

    async def take_parked(self, code: str, version: int) -> ParkedEvent | None:
        return self.data["parked"].pop((code, version), None)

    async def load_answer(self, dossier_code: str) -> SurveyAnswer | None:
        return self.data["answers"].get(dossier_code)

    async def save_answer(self, answer: SurveyAnswer) -> None:
        self.data["answers"][answer.dossier_code] = answer

    async def save_feedback(self, count: FeedbackCount) -> None:
        self.data["feedback"].append(count)

    async def unit_directory(self, unit_code: str) -> tuple[str, str] | None:
        return self.data["units"].get(unit_code)


class FakeProjectionStore:
    def __init__(self) -> None:
        self.committed = FakeProjection()

    async def in_transaction(
        self, work: Callable[[FakeProjection], Awaitable[T]], preload: Any = None
    ) -> T:
        tx = FakeProjection()
        tx.data = copy.deepcopy(self.committed.data)
        result = await work(tx)  # an exception leaves `committed` untouched: the abort
        self.committed = tx
        return result

    async def parked_since_before(self, moment: datetime) -> list[ParkedEvent]:
        return sorted(
            (p for p in self.committed.data["parked"].values() if p.parked_at < moment),
            key=lambda p: p.parked_at,
        )

    async def stored_version(self, code: str) -> int:
        state = self.committed.data["dossiers"].get(code)
        return state.version if state else 0

    async def remove_parked(self, event: ParkedEvent) -> bool:
        return (
            self.committed.data["parked"].pop((event.aggregate_id, event.aggregate_version), None)
            is not None
        )

    async def parked_count(self) -> int:
        return len(self.committed.data["parked"])

    async def drop_projections(self) -> None:
        self.committed = FakeProjection()

    # what the tests look at
    def dossier(self, code: str) -> DossierState:
        return self.committed.data["dossiers"][code]

    def counters(self) -> list[tuple[str, str, Any, str]]:
        return sorted(self.committed.data["counts"])
