"""Step durations per procedure for the at-risk estimate (domain/at_risk.py), in
`step_durations`: one document per (procedure, step) holding the last KEEP_SAMPLES samples
(`$push` with `$slice`, so it never grows); read by `_id`, one round trip, and kept in this
process for `cache_seconds` (60 s): an estimate over the last KEEP_SAMPLES resolutions moves
slowly, and a hand-over need not pay a round trip for it (issue 9). A resolution's samples are
written in one bulk write."""

import time
from collections.abc import Callable

from pymongo import UpdateOne
from pymongo.asynchronous.database import AsyncDatabase

from intake.domain.at_risk import KEEP_SAMPLES


def _key(procedure_code: str, step: str) -> str:
    return f"{procedure_code}|{step}"


class MongoStepHistory:
    def __init__(
        self,
        db: AsyncDatabase,
        cache_seconds: float = 60.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.durations = db.step_durations
        self.cache_seconds, self.monotonic = cache_seconds, monotonic
        self._cache: dict[str, tuple[float, list[int]]] = {}

    async def samples(self, procedure_code: str, step: str) -> list[int]:
        key = _key(procedure_code, step)
        cached = self._cache.get(key)
        if cached is not None and self.monotonic() - cached[0] < self.cache_seconds:
            return list(cached[1])
        read_at = self.monotonic()
        document = await self.durations.find_one({"_id": key})
        days = list(document["days"]) if document else []
        self._cache[key] = (read_at, days)
        return list(days)

    async def record(self, procedure_code: str, samples: dict[str, list[int]]) -> None:
        if not samples:
            return
        await self.durations.bulk_write(
            [
                UpdateOne(
                    {"_id": _key(procedure_code, step)},
                    {"$push": {"days": {"$each": days, "$slice": -KEEP_SAMPLES}}},
                    upsert=True,
                )
                for step, days in samples.items()
            ],
            ordered=False,
        )
