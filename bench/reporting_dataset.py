"""Synthetic projection documents for the reporting benchmark: dossier states and their
counters, written directly (insert_many), as the projector would have left them.

Each unit receives its share of N dossiers spread over `years` years from 2023-01-01; time
limits of 1–15 days; about 40 % resolved early, 50 % on time, 10 % late (a third of those after
an apology), 3 % withdrawn; whatever would finish after the end of the data set is still open
(some waiting for supplementary papers). No refusals at the desk: they are outside the per-dossier
comparison (they are not "to handle").
"""

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

from motcua_shared.contract.dossier_events import Channel, DossierStatus, ResolutionOutcome
from motcua_shared.vietnam.timeutil import VN_TZ

from reporting.adapters.projection_documents import (
    PROVINCE_YEAR,
    UNIT_YEAR,
    add_counts,
    counter_updates,
    dossier_doc,
)
from reporting.domain import counts
from reporting.domain.classification import Timeliness, classify
from reporting.domain.dossier_projection import DossierState, overdue_changes
from reporting.domain.periods import local_day

START = date(2023, 1, 1)
TIMELINESS_COUNTER = {
    Timeliness.EARLY: counts.RESOLVED_EARLY,
    Timeliness.ON_TIME: counts.RESOLVED_ON_TIME,
    Timeliness.LATE: counts.RESOLVED_LATE,
}
CHANNELS = (Channel.DIRECT, Channel.DIRECT, Channel.ONLINE, Channel.ONLINE, Channel.POSTAL)


def unit_code(u: int) -> str:
    return f"U{u:03d}"


def province_code(u: int, provinces: int) -> str:
    return f"P{u % provinces:02d}"


def end_of(years: int) -> date:
    return START + timedelta(days=365 * years)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), VN_TZ)


def unit_dossiers(
    u: int, n: int, *, years: int, provinces: int, procedures: int, rnd: random.Random
) -> Iterator[DossierState]:
    """The states of `n` dossiers of unit `u`."""
    now = end_of(years)
    for i in range(n):
        received_day = START + timedelta(days=rnd.randrange(365 * years))
        limit = rnd.choice((1, 3, 5, 7, 10, 15))
        due_at = _at(received_day + timedelta(days=limit), 17)
        proc = rnd.randrange(procedures)
        state = DossierState(
            code=f"{unit_code(u)}-{i:07d}",
            version=3,
            unit_code=unit_code(u),
            unit_name=f"UBND đơn vị {u}",
            province_code=province_code(u, provinces),
            procedure_code=f"PR{proc:02d}",
            procedure_name=f"Thủ tục {proc}",
            field_code=f"F{proc % 4}",
            channel=str(rnd.choice(CHANNELS)),
            parent_code=None,
            status=DossierStatus.IN_PROGRESS,
            received_at=_at(received_day, 8 + rnd.randrange(9), rnd.randrange(60)),
            due_at=due_at,
            original_due_at=due_at,
        )
        roll = rnd.random()
        if roll < 0.03:
            finish_day, kind = received_day + timedelta(days=rnd.randrange(limit + 1)), "withdrawn"
        else:
            delay = (
                rnd.randrange(limit)
                if roll < 0.42
                else limit
                if roll < 0.92
                else limit + 1 + rnd.randrange(10)
            )
            finish_day, kind = received_day + timedelta(days=delay), "resolved"
        if finish_day >= now:  # finishes after the data set ends: still open
            waiting = rnd.random() < 0.1
            yield replace(
                state,
                status=DossierStatus.SUPPLEMENT_REQUESTED if waiting else DossierStatus.IN_PROGRESS,
            )
        elif kind == "withdrawn":
            yield replace(state, status=DossierStatus.WITHDRAWN, withdrawn_at=_at(finish_day, 10))
        else:
            yield _resolve(state, _at(finish_day, 15), rnd)


def _resolve(state: DossierState, resolved_at: datetime, rnd: random.Random) -> DossierState:
    assert state.original_due_at is not None
    timeliness = classify(resolved_at, state.original_due_at)
    apologised = timeliness == Timeliness.LATE and rnd.random() < 0.33
    outcome = ResolutionOutcome.REFUSED if rnd.random() < 0.02 else ResolutionOutcome.APPROVED
    return replace(
        state,
        status=DossierStatus.RESOLVED,
        resolved_at=resolved_at,
        outcome=str(outcome),
        timeliness=str(timeliness),
        apologised=apologised,
        due_at=resolved_at if apologised else state.due_at,
    )


def count_changes(state: DossierState) -> list[counts.CountChange]:
    """The counters the projector adds over a dossier's life."""
    assert state.received_at is not None
    changes = [
        counts.CountChange(
            local_day(state.received_at), counts.RECEIVED_BY_CHANNEL[Channel(state.channel)]
        )
    ]
    if state.resolved_at is not None:
        day = local_day(state.resolved_at)
        changes.append(counts.CountChange(day, TIMELINESS_COUNTER[Timeliness(state.timeliness)]))
        if state.outcome == ResolutionOutcome.REFUSED:
            changes.append(counts.CountChange(day, counts.RESOLVED_REFUSED))
    if state.withdrawn_at is not None:
        changes.append(counts.CountChange(local_day(state.withdrawn_at), counts.WITHDRAWN))
    return changes + overdue_changes(None, state)  # the overdue rollup, as the projector leaves it


def unit_documents(
    states: Iterator[DossierState],
) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """Dossier documents and counter documents ({"day": [...], "month": [...], "unit_year": [...],
    "province_year": [...]}) of one unit (its share of the province documents: merge_province)."""
    dossiers: list[dict[str, Any]] = []
    counters: dict[tuple[str, str], dict[str, Any]] = {}
    for state in states:
        dossiers.append(dossier_doc(state))
        for (grain, doc_id), (inc, labels) in counter_updates(state, count_changes(state)).items():
            add_counts(counters.setdefault((grain, doc_id), {"_id": doc_id, **labels}), inc)
    by_grain: dict[str, list[dict[str, Any]]] = {
        "day": [],
        "month": [],
        UNIT_YEAR: [],
        PROVINCE_YEAR: [],
    }
    for (grain, _), doc in counters.items():
        by_grain[grain].append(doc)
    return dossiers, by_grain


PER_UNIT = ("units", "totals")  # a province document's fields keyed by unit


def merge_province(into: dict[str, dict[str, Any]], docs: list[dict[str, Any]]) -> None:
    """Add one unit's share of province × year documents to those of the units before it (each
    unit's months sit under its own key, so the shares never overlap)."""
    for doc in docs:
        merged = into.setdefault(doc["_id"], {k: v for k, v in doc.items() if k not in PER_UNIT})
        for name in PER_UNIT:
            merged.setdefault(name, {}).update(doc.get(name, {}))
