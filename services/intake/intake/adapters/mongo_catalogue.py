"""Units, procedures and calendar overrides in MongoDB (keyed by their codes)."""

from datetime import date, datetime

from pymongo.asynchronous.database import AsyncDatabase

from intake.adapters.mongo_documents import from_document
from intake.domain.calendar import CalendarOverrides
from intake.domain.catalogue import Procedure, Unit


class MongoCatalogue:
    def __init__(self, db: AsyncDatabase) -> None:
        self.db = db

    async def unit(self, code: str) -> Unit | None:
        document = await self.db.units.find_one({"_id": code})
        return from_document(Unit, document) if document else None

    async def units(self) -> list[Unit]:
        return [from_document(Unit, d) async for d in self.db.units.find().sort("_id", 1)]

    async def procedure(self, code: str) -> Procedure | None:
        document = await self.db.procedures.find_one({"_id": code})
        return from_document(Procedure, document) if document else None

    async def procedures(self) -> list[Procedure]:
        return [from_document(Procedure, d) async for d in self.db.procedures.find().sort("_id", 1)]

    async def overrides(self, unit_code: str) -> CalendarOverrides:
        document = await self.db.calendar_overrides.find_one({"_id": unit_code}) or {}
        return CalendarOverrides(
            frozenset(date.fromisoformat(d) for d in document.get("extra_days_off", [])),
            frozenset(date.fromisoformat(d) for d in document.get("extra_working_days", [])),
        )

    async def set_overrides(
        self, unit_code: str, overrides: CalendarOverrides, officer_id: str, at: datetime
    ) -> None:
        await self.db.calendar_overrides.replace_one(
            {"_id": unit_code},
            {
                "extra_days_off": sorted(d.isoformat() for d in overrides.extra_days_off),
                "extra_working_days": sorted(d.isoformat() for d in overrides.extra_working_days),
                "updated_by": officer_id,
                "updated_at": at,
            },
            upsert=True,
        )
