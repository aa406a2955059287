"""Demo units, procedures and officer accounts from the package's data files, loaded
idempotently at startup (units and procedures replaced by code; an account only created when
absent, so a changed password or a lock survives a restart), so a restart or a second replica
never duplicates them."""

from importlib import resources
from typing import Any

import yaml
from pymongo import ReplaceOne
from pymongo.asynchronous.database import AsyncDatabase

from intake.adapters.mongo_catalogue import bump_version
from intake.adapters.mongo_documents import to_document
from intake.adapters.mongo_officers import MongoOfficers
from intake.app.officers import PasswordHasher
from intake.domain.catalogue import Procedure, Unit
from intake.domain.officers import Officer

DATA_FILE = "demo_catalogue.yaml"
OFFICERS_FILE = "demo_officers.yaml"


def load_demo_data() -> tuple[list[Unit], list[Procedure]]:
    text = resources.files("intake.data").joinpath(DATA_FILE).read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    units = [Unit.model_validate(u) for u in data["units"]]
    procedures = [Procedure.model_validate(p) for p in data["procedures"]]
    return units, procedures


async def seed_demo(db: AsyncDatabase) -> tuple[int, int]:
    units, procedures = load_demo_data()
    await db.units.bulk_write(
        [ReplaceOne({"_id": u.code}, to_document(u, u.code), upsert=True) for u in units]
    )
    await db.procedures.bulk_write(
        [ReplaceOne({"_id": p.code}, to_document(p, p.code), upsert=True) for p in procedures]
    )
    await bump_version(db)  # every replica's catalogue cache reloads (mongo_catalogue.py)
    return len(units), len(procedures)


def demo_officers() -> list[dict[str, Any]]:
    """username, unit, roles, full_name of each demo account (the banner prints them)."""
    text = resources.files("intake.data").joinpath(OFFICERS_FILE).read_text(encoding="utf-8")
    return list(yaml.safe_load(text)["officers"])


async def seed_demo_officers(officers: MongoOfficers, hasher: PasswordHasher, password: str) -> int:
    created = 0
    for account in demo_officers():
        if await officers.get(account["username"]) is None:
            created += await officers.insert_if_absent(
                Officer(**account, password_hash=hasher.hash(password))
            )
    return created
