"""Report queries: sums of counters over index ranges, never a scan of every dossier."""

from datetime import date, timedelta
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from reporting.adapters import mongo_collections as c
from reporting.adapters.projection_documents import day_key, dossier_state, unit_of_key
from reporting.app.ports import Labelled
from reporting.domain.counts import ALL_FIELDS
from reporting.domain.dossier_projection import OPEN_END, DossierState
from reporting.domain.feedback import FEEDBACK_FIELDS
from reporting.domain.periods import PeriodSlices, month_of, month_start
from reporting.domain.satisfaction import LEVELS
from reporting.domain.scope import ReportTarget

# group_by -> (field grouped on, field holding its display name)
GROUP_FIELDS = {
    "unit": ("unit_code", "unit_name"),
    "field": ("field_code", "field_code"),
    "procedure": ("procedure_code", "procedure_name"),
    "officer": ("officer_id", "officer_id"),
    "month": ("month", "month"),
}
UNIT_ROLLUP_GROUPS = frozenset({"unit", "month"})


def target_filter(target: ReportTarget) -> dict[str, Any]:
    if target.unit is not None:
        return {"unit_code": target.unit}
    return {"province_code": target.province}


async def _grouped_sums(
    collection: AsyncCollection, match: dict[str, Any], group_by: str, names: tuple[str, ...]
) -> dict[str, Labelled]:
    key, label = GROUP_FIELDS[group_by]
    group: dict[str, Any] = {"_id": f"${key}", "label": {"$first": f"${label}"}}
    group |= {name: {"$sum": f"${name}"} for name in names}
    cursor = await collection.aggregate([{"$match": match}, {"$group": group}])
    # A group whose documents hold no display name (survey answers carry no procedure name) is
    # labelled by its key rather than answering 500 on a null label.
    return {
        row["_id"]: Labelled(
            row["label"] if row["label"] is not None else str(row["_id"]),
            {n: row[n] for n in names},
        )
        async for row in cursor
    }


def _overdue_stages(
    scope: dict[str, str], as_of: date, *, open_only: bool = False
) -> list[dict[str, Any]]:
    """Overdue on day X: due_day < X < overdue_until, clock running. The index range is on
    overdue_until alone, in its own $match: SecantusDB's planner falls back to a collection scan
    when the same $match also holds the other predicates (MongoDB merges the two stages)."""
    until = day_key(OPEN_END) if open_only else {"$gt": day_key(as_of)}
    return [
        {"$match": scope | {"overdue_until": until}},
        {"$match": {"due_day": {"$lt": day_key(as_of)}, "clock_stopped": False}},
    ]


def _merge(into: dict[str, Labelled], more: dict[str, Labelled]) -> None:
    for key, item in more.items():
        if key in into:
            old = into[key].counts
            into[key] = Labelled(
                into[key].label,
                {n: old.get(n, 0) + item.counts.get(n, 0) for n in old.keys() | item.counts.keys()},
            )
        else:
            into[key] = item


def _year(month: str, step: int) -> str:
    return f"{int(month[:4]) + step:04d}"


def _within(year: str, bounds: dict[str, str]) -> bool:
    return bounds.get("$gte", "") <= year <= bounds["$lte"]


def _projection(target: ReportTarget, totals: bool) -> dict[str, int]:
    if target.unit is not None:
        return {"unit_code": 1, "unit_name": 1, "total" if totals else "months": 1}
    return {"totals" if totals else "units": 1}


class MongoReportReader:
    def __init__(self, db: AsyncDatabase) -> None:
        self.db = db

    async def _days(
        self, target: ReportTarget, start: date, end: date, group_by: str
    ) -> dict[str, Labelled]:
        match = target_filter(target) | {"day": {"$gte": day_key(start), "$lte": day_key(end)}}
        return await _grouped_sums(self.db[c.DAILY_COUNTS], match, group_by, ALL_FIELDS)

    async def _months(
        self, target: ReportTarget, first: str | None, last: str, group_by: str
    ) -> dict[str, Labelled]:
        """Counters of the months first..last ("YYYY-MM", both included; None: from the start)."""
        if group_by in UNIT_ROLLUP_GROUPS:
            return await self._unit_years(target, first, last, group_by)
        months = {"$lte": last} | ({"$gte": first} if first else {})
        return await _grouped_sums(
            self.db[c.MONTHLY_COUNTS],
            target_filter(target) | {"month": months},
            group_by,
            ALL_FIELDS,
        )

    async def _unit_years(
        self, target: ReportTarget, first: str | None, last: str, group_by: str
    ) -> dict[str, Labelled]:
        """By unit or month: a unit's rollup, one document per year, or its province's, one
        document per year holding every unit's months (a province-year reads one document, not
        one per unit). By unit, the years wholly in range are read as their totals alone (a
        projection), the others (at most the two ends) as months summed here."""
        queries: list[tuple[dict[str, Any], bool]] = []  # (year filter, read totals only)
        if group_by == "month":  # months needed whatever the years
            queries.append(({"$lte": last[:4]} | ({"$gte": first[:4]} if first else {}), False))
        else:
            whole = {"$lte": last[:4] if last.endswith("-12") else _year(last, -1)}
            if first is not None:
                whole["$gte"] = first[:4] if first.endswith("-01") else _year(first, 1)
            if whole.get("$gte", "") <= whole["$lte"]:
                queries.append((whole, True))
            ends = {y for y in (first and first[:4], last[:4]) if y and not _within(y, whole)}
            # One query per end year: SecantusDB would scan for an `$in` (explain).
            queries += [({"$eq": year}, False) for year in sorted(ends)]
        rows: list[tuple[str, dict[str, int]]] = []  # (unit or month, its counts)
        names: dict[str, str] = {}
        for years, totals in queries:
            async for doc in self.db[self._rollup(target)].find(
                target_filter(target) | {"year": years}, _projection(target, totals)
            ):
                if target.unit is not None:
                    names[doc["unit_code"]] = doc["unit_name"]
                    per_unit = [(doc["unit_code"], doc.get("total" if totals else "months", {}))]
                else:
                    field = "totals" if totals else "units"
                    per_unit = [(unit_of_key(k), v) for k, v in doc.get(field, {}).items()]
                for unit, counts in per_unit:
                    if totals:
                        rows.append((unit, counts))
                        continue
                    for month, month_counts in counts.items():
                        if month <= last and (first is None or month >= first):
                            rows.append((month if group_by == "month" else unit, month_counts))
        if group_by == "unit" and target.unit is None and rows:
            units = sorted({unit for unit, _ in rows})
            names = {
                doc["_id"]: doc["unit_name"]
                async for doc in self.db[c.UNITS].find({"_id": {"$in": units}})
            }
        sums: dict[str, dict[str, int]] = {}  # summed in place: a province-year adds thousands
        for group, counts in rows:
            into = sums.setdefault(group, {})
            for name, value in counts.items():
                into[name] = into.get(name, 0) + value
        return {
            group: Labelled(group if group_by == "month" else names.get(group, group), counts)
            for group, counts in sums.items()
        }

    @staticmethod
    def _rollup(target: ReportTarget) -> str:
        return c.UNIT_YEARLY_COUNTS if target.unit is not None else c.PROVINCE_YEARLY_COUNTS

    async def period_counts(
        self, target: ReportTarget, slices: PeriodSlices, group_by: str
    ) -> dict[str, Labelled]:
        result: dict[str, Labelled] = {}
        for start, end in slices.day_ranges:
            _merge(result, await self._days(target, start, end, group_by))
        if slices.months is not None:
            first, last = slices.months
            _merge(result, await self._months(target, first, last, group_by))
        return result

    async def counts_before(
        self, target: ReportTarget, day: date, group_by: str
    ) -> dict[str, Labelled]:
        """Every counter before `day`: whole months before its month, then its month's days."""
        result = await self._months(
            target, None, month_of(month_start(day) - timedelta(days=1)), group_by
        )
        if day.day > 1:
            _merge(
                result,
                await self._days(target, month_start(day), day - timedelta(days=1), group_by),
            )
        return result

    async def satisfaction_counts(
        self, target: ReportTarget, start: date, end: date, group_by: str
    ) -> dict[str, Labelled]:
        match = target_filter(target) | {"day": {"$gte": day_key(start), "$lte": day_key(end)}}
        return await _grouped_sums(self.db[c.SATISFACTION_DAILY], match, group_by, LEVELS)

    async def feedback_counts(
        self, target: ReportTarget, start: date, end: date, group_by: str
    ) -> dict[str, Labelled]:
        match = target_filter(target) | {"day": {"$gte": day_key(start), "$lte": day_key(end)}}
        return await _grouped_sums(self.db[c.FEEDBACK_DAILY], match, group_by, FEEDBACK_FIELDS)

    async def overdue_dossiers(self, unit_code: str, today: date) -> list[DossierState]:
        cursor = await self.db[c.DOSSIERS].aggregate(
            [
                *_overdue_stages({"unit_code": unit_code}, today, open_only=True),
                {"$sort": {"due_day": ASCENDING, "_id": ASCENDING}},
            ]
        )
        return [dossier_state(doc) async for doc in cursor]

    async def unit_province(self, unit_code: str) -> str | None:
        doc = await self.db[c.UNITS].find_one({"_id": unit_code})
        return doc["province_code"] if doc else None
