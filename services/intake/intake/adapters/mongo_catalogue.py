"""Units, procedures and calendar overrides in MongoDB (keyed by their codes), read through an
in-process cache kept true by a version stamp.

Why a cache: every request reads its unit, the unit's ancestors, their calendar overrides and
the procedure (some ten round trips a dossier action, issue 9), and they change rarely.

How a change reaches it: every write to the catalogue (a unit admin's calendar overrides, the
demo catalogue loaded at startup) increments `catalogue_meta.version` with it; the override and
the increment commit in one transaction. The replica that writes drops its cache at once; every
replica (two intake replicas, or ten) reads the version at most every `check_seconds` (0.5 s by
default) while it serves requests, and drops its cache when the version moved. So a new day off
set by a unit admin counts for every receipt that starts more than `check_seconds` after it was
saved, on any replica; a receipt already read its calendar before its transaction before this
cache too. Units and procedures edited by hand in the database must increment the version too
(or restart intake):
`db.catalogue_meta.updateOne({_id: "version"}, {$inc: {n: 1}}, {upsert: true})`.
"""

import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from motcua_shared.storage.transactions import run_in_transaction

from intake.adapters.mongo_documents import from_document
from intake.domain.calendar import CalendarOverrides
from intake.domain.catalogue import Procedure, Unit

VERSION_ID = "version"


async def bump_version(db: AsyncDatabase, session: AsyncClientSession | None = None) -> None:
    """Say that the catalogue changed: every replica's cache is dropped at its next check."""
    await db.catalogue_meta.update_one(
        {"_id": VERSION_ID}, {"$inc": {"n": 1}}, upsert=True, session=session
    )


class MongoCatalogue:
    def __init__(
        self,
        db: AsyncDatabase,
        check_seconds: float = 0.5,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db, self.check_seconds, self.monotonic = db, check_seconds, monotonic
        self._version: int | None = None
        self._checked_at = -float("inf")
        self._cache: dict[tuple[str, str], Any] = {}

    async def unit(self, code: str) -> Unit | None:
        async def load() -> Unit | None:
            document = await self.db.units.find_one({"_id": code})
            return from_document(Unit, document) if document else None

        return await self._cached(("unit", code), load)

    async def units(self) -> list[Unit]:
        return [from_document(Unit, d) async for d in self.db.units.find().sort("_id", 1)]

    async def procedure(self, code: str) -> Procedure | None:
        async def load() -> Procedure | None:
            document = await self.db.procedures.find_one({"_id": code})
            return from_document(Procedure, document) if document else None

        return await self._cached(("procedure", code), load)

    async def procedures(self) -> list[Procedure]:
        return [from_document(Procedure, d) async for d in self.db.procedures.find().sort("_id", 1)]

    async def overrides(self, unit_code: str) -> CalendarOverrides:
        async def load() -> CalendarOverrides:
            document = await self.db.calendar_overrides.find_one({"_id": unit_code}) or {}
            return CalendarOverrides(
                frozenset(date.fromisoformat(d) for d in document.get("extra_days_off", [])),
                frozenset(date.fromisoformat(d) for d in document.get("extra_working_days", [])),
            )

        return await self._cached(("overrides", unit_code), load)

    async def set_overrides(
        self, unit_code: str, overrides: CalendarOverrides, officer_id: str, at: datetime
    ) -> None:
        async def write(session: AsyncClientSession) -> None:
            await self.db.calendar_overrides.replace_one(
                {"_id": unit_code},
                {
                    "extra_days_off": sorted(d.isoformat() for d in overrides.extra_days_off),
                    "extra_working_days": sorted(
                        d.isoformat() for d in overrides.extra_working_days
                    ),
                    "updated_by": officer_id,
                    "updated_at": at,
                },
                upsert=True,
                session=session,
            )
            await bump_version(self.db, session)

        await run_in_transaction(self.db.client, write, after_commit=self.forget)

    def forget(self) -> None:
        """Drop the cache: the next read checks the version and loads again."""
        self._cache.clear()
        self._version, self._checked_at = None, -float("inf")

    async def _cached(self, key: tuple[str, str], load: Callable[[], Any]) -> Any:
        await self._check()
        if key in self._cache:
            return self._cache[key]
        version = self._version
        value = await load()
        if self._version == version:  # not dropped while loading
            self._cache[key] = value
        return value

    async def _check(self) -> None:
        now = self.monotonic()
        if now - self._checked_at < self.check_seconds:
            return
        self._checked_at = now
        document = await self.db.catalogue_meta.find_one({"_id": VERSION_ID})
        version = int(document["n"]) if document else 0
        if version != self._version:
            self._cache.clear()
            self._version = version
