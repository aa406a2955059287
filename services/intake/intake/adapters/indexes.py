"""Indexes intake's queries need (created idempotently at startup)."""

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase


async def ensure_indexes(db: AsyncDatabase) -> None:
    await db.dossiers.create_index([("unit_code", ASCENDING), ("status", ASCENDING)])
    # The overdue gauge: open dossiers past their due date.
    await db.dossiers.create_index([("status", ASCENDING), ("due_at", ASCENDING)])
    await db.units.create_index([("parent_code", ASCENDING)])
    # A citizen's earlier dossiers, for reusing their digitised papers (sparse: not every dossier
    # has a CCCD).
    await db.dossiers.create_index([("citizen.cccd", ASCENDING)], sparse=True)
    await db.payments.create_index([("unit_code", ASCENDING), ("status", ASCENDING)])
