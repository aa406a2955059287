"""A batch of projected events as one MongoDB transaction with a fixed number of round trips.

Rule (Decree 118/2025/NĐ-CP, Circular 03/2025/TT-VPCP: the one-stop figures the province
reads must equal the dossiers): a batch commits whole or not at all. Round trips, not work, are
the cost: so the batch's reads are done up front, one `$in` read per collection (processed event
ids, dossiers, their parked events, survey answers, units), the projector then runs against the
snapshot in memory (seeing its own writes), and the writes are flushed at the end with one bulk
write per collection, every counter increment of the batch merged per document first. One
projector writes a database at a time (the projector's lock, a single-active-consumer queue),
so what the snapshot says is absent is inserted rather than upserted.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pymongo import DeleteOne, InsertOne, ReplaceOne, UpdateMany, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from reporting.adapters import mongo_collections as c
from reporting.adapters import projection_documents as d
from reporting.app.ports import ParkedEvent, Preload
from reporting.domain.counts import CountChange
from reporting.domain.dossier_projection import DossierState, overdue_changes
from reporting.domain.feedback import FeedbackCount
from reporting.domain.satisfaction import SurveyAnswer

_GRAINS = {
    "day": c.DAILY_COUNTS,
    "month": c.MONTHLY_COUNTS,
    d.UNIT_YEAR: c.UNIT_YEARLY_COUNTS,
    d.PROVINCE_YEAR: c.PROVINCE_YEARLY_COUNTS,
}
Counters = dict[str, tuple[dict[str, int], dict[str, Any]]]  # doc id → ($inc, $setOnInsert)
KNOWN_LIMIT = 200_000  # counter documents remembered as existing (KnownCounters), per process


class KnownCounters:
    """Counter documents this process has seen exist, so a batch does not ask the server again
    (a `$in` read per counter collection per batch, a fifth of the projector's time). Counter
    documents are never deleted but by a rebuild dropping the projections: a document believed to
    exist that does not is found by the update's matched count and inserted in the same
    transaction (`BatchProjectionTx.flush`), so a stale belief costs a read, never a count."""

    def __init__(self) -> None:
        self.ids: dict[str, set[str]] = {}

    def of(self, collection: str) -> set[str]:
        return self.ids.setdefault(collection, set())

    def add(self, collection: str, ids: set[str]) -> None:
        known = self.of(collection)
        if len(known) + len(ids) > KNOWN_LIMIT:
            known.clear()
        known |= ids


def _merge(into: Counters, doc_id: str, inc: dict[str, int], labels: dict[str, Any]) -> None:
    merged, _ = into.setdefault(doc_id, ({}, labels))
    for name, value in inc.items():
        merged[name] = merged.get(name, 0) + value


def _counter_writes(existing: set[str], counters: Counters) -> tuple[list[Any], int]:
    """New counter documents inserted; existing ones incremented by one `update` statement per
    distinct increment ({"received_online": 1} is most of them), `_id` `$in` the documents that
    take it: SecantusDB pays per statement, so this costs a fraction of one statement each."""
    writes: list[Any] = []
    same: dict[tuple[tuple[str, int], ...], list[str]] = {}
    for doc_id, (inc, labels) in sorted(counters.items()):
        if doc_id in existing:
            same.setdefault(tuple(sorted(inc.items())), []).append(doc_id)
        else:
            writes.append(InsertOne(d.add_counts({"_id": doc_id, **labels}, inc)))
    writes += [UpdateMany({"_id": {"$in": ids}}, {"$inc": dict(inc)}) for inc, ids in same.items()]
    return writes, sum(map(len, same.values()))


@dataclass
class BatchProjectionTx:
    """ProjectionTx over a snapshot; `flush` writes what changed."""

    processed: set[str]
    dossiers: dict[str, DossierState]
    parked: dict[tuple[str, int], ParkedEvent]
    answers: dict[str, SurveyAnswer]
    units: dict[str, tuple[str, str]]
    parked_before: frozenset[tuple[str, int]] = frozenset()
    stored_dossiers: frozenset[str] = frozenset()
    new_processed: dict[str, datetime] = field(default_factory=dict)
    dirty_dossiers: set[str] = field(default_factory=set)
    new_units: set[str] = field(default_factory=set)
    new_answers: list[SurveyAnswer] = field(default_factory=list)
    counters: dict[str, Counters] = field(
        default_factory=lambda: {
            c.DAILY_COUNTS: {},
            c.MONTHLY_COUNTS: {},
            c.UNIT_YEARLY_COUNTS: {},
            c.PROVINCE_YEARLY_COUNTS: {},
            c.SATISFACTION_DAILY: {},
            c.FEEDBACK_DAILY: {},
        }
    )

    @classmethod
    async def load(
        cls, db: AsyncDatabase, s: AsyncClientSession, preload: Preload
    ) -> "BatchProjectionTx":
        async def find(
            collection: str, query: dict[str, Any], projection: Any = None
        ) -> list[dict[str, Any]]:
            return await db[collection].find(query, projection, session=s).to_list(None)

        codes, ids = list(preload.dossier_codes), list(preload.event_ids)
        processed = {
            doc["_id"] for doc in await find(c.PROCESSED_EVENTS, {"_id": {"$in": ids}}, {"_id": 1})
        }
        dossiers = {
            doc["_id"]: d.dossier_state(doc)
            for doc in await find(c.DOSSIERS, {"_id": {"$in": codes}})
        }
        parked = {
            (p.aggregate_id, p.aggregate_version): p
            for p in map(
                d.parked_event, await find(c.PARKED_EVENTS, {"aggregate_id": {"$in": codes}})
            )
        }
        answered = list(preload.answer_codes)  # no read when the batch holds no answer
        answers = {
            doc["_id"]: d.survey_answer(doc)
            for doc in (
                await find(c.SURVEY_ANSWERS, {"_id": {"$in": answered}}) if answered else []
            )
        }
        units = {
            doc["_id"]: (doc["province_code"], doc["unit_name"])
            for doc in await find(c.UNITS, {"_id": {"$in": list(preload.unit_codes)}})
        }
        return cls(
            processed,
            dossiers,
            parked,
            answers,
            units,
            parked_before=frozenset(parked),
            stored_dossiers=frozenset(dossiers),
        )

    # ProjectionTx: reads see the batch's own writes
    async def is_processed(self, event_id: str) -> bool:
        return event_id in self.processed

    async def mark_processed(self, event_id: str, at: datetime) -> None:
        self.processed.add(event_id)
        self.new_processed[event_id] = at

    async def load_dossier(self, code: str) -> DossierState | None:
        return self.dossiers.get(code)

    async def save_dossier(
        self, state: DossierState, changes: list[CountChange], *, new: bool
    ) -> None:
        # The overdue rollup follows the state, not the event (counts.OVERDUE_CHANGE).
        changes = changes + overdue_changes(self.dossiers.get(state.code), state)
        self.dossiers[state.code] = state
        self.dirty_dossiers.add(state.code)
        if new and self.units.get(state.unit_code) != (state.province_code, state.unit_name):
            self.units[state.unit_code] = (state.province_code, state.unit_name)
            self.new_units.add(state.unit_code)
        for (grain, doc_id), (inc, labels) in d.counter_updates(state, changes).items():
            _merge(self.counters[_GRAINS[grain]], doc_id, inc, labels)

    async def park(self, event: ParkedEvent) -> None:
        self.parked.setdefault((event.aggregate_id, event.aggregate_version), event)

    async def take_parked(self, code: str, version: int) -> ParkedEvent | None:
        return self.parked.pop((code, version), None)

    async def load_answer(self, dossier_code: str) -> SurveyAnswer | None:
        return self.answers.get(dossier_code)

    async def save_answer(self, answer: SurveyAnswer) -> None:
        self.answers[answer.dossier_code] = answer
        self.new_answers.append(answer)
        doc_id, inc, labels = d.satisfaction_update(answer)
        _merge(self.counters[c.SATISFACTION_DAILY], doc_id, inc, labels)

    async def save_feedback(self, count: FeedbackCount) -> None:
        doc_id, inc, labels = d.feedback_update(count)
        _merge(self.counters[c.FEEDBACK_DAILY], doc_id, inc, labels)

    async def unit_directory(self, unit_code: str) -> tuple[str, str] | None:
        return self.units.get(unit_code)

    async def flush(
        self, db: AsyncDatabase, s: AsyncClientSession, known: KnownCounters | None = None
    ) -> None:
        """One bulk write per collection that changed. Documents known to be new are inserted,
        not upserted (an insert costs the server a fraction of an upsert): dossiers from the
        snapshot, counters after one `$in` read of those `known` does not hold."""
        writes: dict[str, list[Any]] = {
            c.DOSSIERS: [
                ReplaceOne({"_id": code}, d.dossier_doc(self.dossiers[code]))
                if code in self.stored_dossiers
                else InsertOne(d.dossier_doc(self.dossiers[code]))
                for code in sorted(self.dirty_dossiers)
            ],
            c.UNITS: [
                UpdateOne(
                    {"_id": unit},
                    {
                        "$set": {
                            "province_code": self.units[unit][0],
                            "unit_name": self.units[unit][1],
                        }
                    },
                    upsert=True,
                )
                for unit in sorted(self.new_units)
            ],
            c.PROCESSED_EVENTS: [
                InsertOne({"_id": event_id, "at": at})
                for event_id, at in self.new_processed.items()
            ],
            c.SURVEY_ANSWERS: [InsertOne(d.answer_doc(answer)) for answer in self.new_answers],
            # Keyed by dossier and version: a redelivered copy does not park twice.
            c.PARKED_EVENTS: [
                UpdateOne(
                    {"_id": d.parked_id(*key)}, {"$setOnInsert": d.parked_doc(event)}, upsert=True
                )
                for key, event in self.parked.items()
                if key not in self.parked_before
            ]
            + [
                DeleteOne({"_id": d.parked_id(*key)})
                for key in self.parked_before
                if key not in self.parked
            ],
        }
        for collection, operations in writes.items():
            if operations:
                await db[collection].bulk_write(operations, ordered=False, session=s)
        known = known or KnownCounters()
        for collection, counters in self.counters.items():
            # Increments that came to zero (the overdue rollup's +1 and -1) are written all the
            # same: the documents equal what one event at a time leaves (a rebuild, a split batch).
            if counters:
                await _write_counters(db[collection], s, counters, known.of(collection))
                known.add(collection, set(counters))


async def _existing(collection: Any, s: AsyncClientSession, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    query = {"_id": {"$in": ids}}
    return {doc["_id"] async for doc in collection.find(query, {"_id": 1}, session=s)}


async def _write_counters(
    collection: Any, s: AsyncClientSession, counters: Counters, known: set[str]
) -> None:
    """Insert the new documents, increment the others; if fewer matched than `known` promised
    (the projections were dropped since), insert the missing ones with their increments."""
    believed = {doc_id for doc_id in counters if doc_id in known}
    existing = believed | await _existing(
        collection, s, [doc_id for doc_id in counters if doc_id not in known]
    )
    operations, to_match = _counter_writes(existing, counters)
    result = await collection.bulk_write(operations, ordered=False, session=s)
    if result.matched_count < to_match:
        missing = believed - await _existing(collection, s, sorted(believed))
        known -= missing
        if missing:
            await collection.insert_many(
                [
                    d.add_counts({"_id": doc_id, **counters[doc_id][1]}, counters[doc_id][0])
                    for doc_id in sorted(missing)
                ],
                session=s,
            )
