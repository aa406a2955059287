"""The deadline scheduler's query: dossiers whose `next_deadline_at` is due, on its own index.

A bounded range (`$gte` a floor long before any dossier, `$lte` now) + sort on the same field +
limit: the server walks only the index entries in the range, i.e. the alarms already due, never
the open dossiers whose next alarm is later, so a tick costs the same with 100 or 1,000,000 open
dossiers (`explain` shows IXSCAN on `next_deadline_1`; SecantusDB reads every entry of the
range before applying the limit, MongoDB stops after `limit` keys — either way the due backlog,
not the open stock, is the cost). Dossiers with no alarm hold `null`, outside any date range."""

from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from intake.domain.lifecycle import CLOCK_RUNNING

FLOOR = datetime(2000, 1, 1, tzinfo=UTC)
INDEX_NAME = "next_deadline_1"


def due_filter(now: datetime) -> dict[str, Any]:
    return {"next_deadline_at": {"$gte": FLOOR, "$lte": now}}


class MongoDeadlineIndex:
    def __init__(self, db: AsyncDatabase) -> None:
        self.dossiers = db.dossiers

    async def ensure_index(self) -> None:
        await self.dossiers.create_index([("next_deadline_at", ASCENDING)], name=INDEX_NAME)

    async def due(self, now: datetime, limit: int) -> list[str]:
        cursor = (
            self.dossiers.find(due_filter(now), {"_id": 1})
            .sort("next_deadline_at", ASCENDING)
            .limit(limit)
        )
        return [doc["_id"] async for doc in cursor]

    async def unplanned(self, limit: int) -> list[str]:
        # Once after an upgrade: open dossiers written before deadlines existed lack the field
        # (planned ones hold a date or null). On the (status, due_at) index's status prefix.
        cursor = self.dossiers.find(
            {
                "status": {"$in": sorted(s.value for s in CLOCK_RUNNING)},
                "next_deadline_at": {"$exists": False},
            },
            {"_id": 1},
        ).limit(limit)
        return [doc["_id"] async for doc in cursor]

    async def explain(self, now: datetime, limit: int) -> dict[str, Any]:
        """The server's plan for `due` (README, bench)."""
        return (
            await self.dossiers.find(due_filter(now), {"_id": 1})
            .sort("next_deadline_at", ASCENDING)
            .limit(limit)
            .explain()
        )
