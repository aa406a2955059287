"""Demo units and procedures from the package's data file, loaded idempotently at startup
(replace by code), so a restart or a second replica never duplicates them."""

from importlib import resources
from typing import Any

import yaml
from pymongo.asynchronous.database import AsyncDatabase

from intake.adapters.documents import to_document
from intake.domain.catalogue import Procedure, Unit

DATA_FILE = "demo_catalogue.yaml"


def load_demo_data() -> tuple[list[Unit], list[Procedure]]:
    text = resources.files("intake.data").joinpath(DATA_FILE).read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    units = [Unit.model_validate(u) for u in data["units"]]
    procedures = [Procedure.model_validate(p) for p in data["procedures"]]
    return units, procedures


async def seed_demo(db: AsyncDatabase) -> tuple[int, int]:
    units, procedures = load_demo_data()
    for unit in units:
        await db.units.replace_one({"_id": unit.code}, to_document(unit, unit.code), upsert=True)
    for procedure in procedures:
        await db.procedures.replace_one({"_id": procedure.code}, to_document(procedure, procedure.code), upsert=True)
    return len(units), len(procedures)
