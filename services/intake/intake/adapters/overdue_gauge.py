"""`motcua_intake_overdue_dossiers{unit_code}`: dossiers being processed (clock running) whose
due date has passed, per unit. One aggregation on the (status, due_at) index per refresh; only
units with an overdue dossier appear, so the series stay as few as the late units."""

from collections.abc import Iterator

from prometheus_client import Gauge
from prometheus_client.metrics_core import Metric
from pymongo.asynchronous.database import AsyncDatabase

from motcua_shared.vietnam.timeutil import Clock, utcnow

from intake.domain.lifecycle import CLOCK_RUNNING


class OverdueDossiersGauge:
    name = "overdue_dossiers"

    def __init__(self, db: AsyncDatabase, clock: Clock = utcnow) -> None:
        self.db, self.clock = db, clock
        self.overdue = Gauge(
            "motcua_intake_overdue_dossiers",
            "Dossiers being processed past their due date, per unit",
            ["unit_code"],
            registry=None,
        )

    def collect(self) -> Iterator[Metric]:
        yield from self.overdue.collect()

    async def refresh(self) -> None:
        cursor = await self.db.dossiers.aggregate(
            [
                {
                    "$match": {
                        "status": {"$in": sorted(s.value for s in CLOCK_RUNNING)},
                        "due_at": {"$lt": self.clock()},
                    }
                },
                {"$group": {"_id": "$unit_code", "count": {"$sum": 1}}},
            ]
        )
        counts = {row["_id"]: row["count"] async for row in cursor}
        # Cleared and set with no await between: a scrape (on the same loop) never sees it half
        # done.
        self.overdue.clear()
        for unit_code, count in counts.items():
            self.overdue.labels(unit_code).set(count)
