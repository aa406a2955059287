"""Step durations per procedure for the at-risk estimate (domain/at_risk.py), in
`step_durations`: one document per (procedure, step) holding the last KEEP_SAMPLES samples
(`$push` with `$slice`, so it never grows); read by `_id`, one round trip."""

from pymongo.asynchronous.database import AsyncDatabase

from intake.domain.at_risk import KEEP_SAMPLES


def _key(procedure_code: str, step: str) -> str:
    return f"{procedure_code}|{step}"


class MongoStepHistory:
    def __init__(self, db: AsyncDatabase) -> None:
        self.durations = db.step_durations

    async def samples(self, procedure_code: str, step: str) -> list[int]:
        document = await self.durations.find_one({"_id": _key(procedure_code, step)})
        return list(document["days"]) if document else []

    async def record(self, procedure_code: str, samples: dict[str, list[int]]) -> None:
        for step, days in samples.items():
            await self.durations.update_one(
                {"_id": _key(procedure_code, step)},
                {"$push": {"days": {"$each": days, "$slice": -KEEP_SAMPLES}}},
                upsert=True,
            )
