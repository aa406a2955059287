"""The one-stop figures computed the naive way: one aggregation over every per-dossier document
of the unit or province (what the counters exist to avoid), for comparison in the benchmark."""

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from reporting.adapters.mongo_collections import DOSSIERS
from reporting.domain.counts import (
    RECEIVED_BY_CHANNEL,
    RESOLVED_EARLY,
    RESOLVED_LATE,
    RESOLVED_ON_TIME,
)

FIGURES = (
    "carried_over",
    *RECEIVED_BY_CHANNEL.values(),
    RESOLVED_EARLY,
    RESOLVED_ON_TIME,
    RESOLVED_LATE,
    "resolved_refused",
    "withdrawn",
    "in_progress",
    "in_progress_overdue",
)


def _count_if(*conditions: Any) -> dict[str, Any]:
    return {"$sum": {"$cond": [{"$and": list(conditions)}, 1, 0]}}


def _open_after(day: str) -> dict[str, Any]:
    return {"$or": [{"$eq": ["$finished_day", None]}, {"$gt": ["$finished_day", day]}]}


def _finished_within(start: str, end: str) -> list[dict[str, Any]]:
    return [{"$gte": ["$finished_day", start]}, {"$lte": ["$finished_day", end]}]


async def naive_one_stop(
    db: AsyncDatabase, match: dict[str, str], start: str, end: str
) -> dict[str, int]:
    group: dict[str, Any] = {
        "_id": None,
        "carried_over": _count_if(
            {"$lt": ["$received_day", start]},
            {"$or": [{"$eq": ["$finished_day", None]}, {"$gte": ["$finished_day", start]}]},
        ),
        "resolved_refused": _count_if(
            {"$eq": ["$outcome", "refused"]}, *_finished_within(start, end)
        ),
        "withdrawn": _count_if({"$ne": ["$withdrawn_at", None]}, *_finished_within(start, end)),
        "in_progress": _count_if(_open_after(end)),
        "in_progress_overdue": _count_if(
            _open_after(end), {"$lt": ["$due_day", end]}, {"$eq": ["$clock_stopped", False]}
        ),
    }
    for channel, name in RECEIVED_BY_CHANNEL.items():
        group[name] = _count_if(
            {"$gte": ["$received_day", start]}, {"$eq": ["$channel", str(channel)]}
        )
    for timeliness, name in (
        ("early", RESOLVED_EARLY),
        ("on_time", RESOLVED_ON_TIME),
        ("late", RESOLVED_LATE),
    ):
        group[name] = _count_if({"$eq": ["$timeliness", timeliness]}, *_finished_within(start, end))
    # The scope alone in the first $match, so SecantusDB's planner uses the scope's index.
    pipeline = [
        {"$match": match},
        {"$match": {"counted": True, "received_day": {"$lte": end}}},
        {"$group": group},
    ]
    rows = await (await db[DOSSIERS].aggregate(pipeline)).to_list()
    return {name: rows[0][name] if rows else 0 for name in FIGURES}
