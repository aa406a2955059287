"""Officer accounts in intake's database, collection `officers`, `_id` = username (the agreed
interface: the same id as a hand-over's `to_officer_id` and the token's `sub`). A failure is
counted with one atomic `$inc`, so two wrong passwords at once are both counted.

`MongoOfficerDirectory` reads the contacts a deadline message needs (the holder, the unit's
leaders), in one round trip: never a password hash, never a name."""

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from motcua_shared.contract.dossier_events import OfficerContact

from intake.adapters.mongo_documents import from_document, to_document
from intake.domain.officers import LockoutPolicy, Officer


class MongoOfficers:
    def __init__(self, collection: AsyncCollection) -> None:
        self.collection = collection

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("unit", ASCENDING)])

    async def get(self, username: str) -> Officer | None:
        document = await self.collection.find_one({"_id": username})
        return (
            from_document(Officer, document | {"username": document["_id"]}) if document else None
        )

    async def insert(self, officer: Officer) -> bool:
        try:
            await self.collection.insert_one(to_document(officer, officer.username))
            return True
        except DuplicateKeyError:
            return False

    async def insert_if_absent(self, officer: Officer) -> bool:
        result = await self.collection.update_one(
            {"_id": officer.username},
            {"$setOnInsert": to_document(officer, officer.username)},
            upsert=True,
        )
        return result.upserted_id is not None

    async def count_failure(self, username: str, policy: LockoutPolicy, now: datetime) -> None:
        document = await self.collection.find_one_and_update(
            {"_id": username}, {"$inc": {"failed_logins": 1}}, return_document=ReturnDocument.AFTER
        )
        if document is None:
            return
        lock_until = policy.after_failure(int(document["failed_logins"]), now)
        if lock_until is not None:
            await self.collection.update_one(
                {"_id": username}, {"$set": {"locked_until": lock_until, "failed_logins": 0}}
            )

    async def login_succeeded(self, username: str, new_hash: str | None) -> None:
        changes: dict[str, object] = {"failed_logins": 0, "locked_until": None}
        if new_hash:
            changes["password_hash"] = new_hash
        await self.collection.update_one({"_id": username}, {"$set": changes})

    async def set_disabled(self, username: str, disabled: bool) -> None:
        await self.collection.update_one({"_id": username}, {"$set": {"disabled": disabled}})

    async def of_unit(self, unit: str) -> list[Officer]:
        cursor = self.collection.find({"unit": unit}).sort("_id", ASCENDING).limit(1000)
        return [from_document(Officer, d | {"username": d["_id"]}) async for d in cursor]


_FIELDS = {"unit": 1, "roles": 1, "email": 1, "phone": 1}


class MongoOfficerDirectory:
    def __init__(self, db: AsyncDatabase) -> None:
        self.officers = db.officers

    async def contacts(
        self, unit_code: str, holder_id: str | None, *, leaders: bool
    ) -> list[OfficerContact]:
        wanted: list[dict[str, Any]] = []
        if holder_id:
            wanted.append({"_id": holder_id})
        if leaders:
            wanted.append({"unit": unit_code, "roles": "leader"})
        if not wanted:
            return []
        found = [
            doc
            async for doc in self.officers.find({"$or": wanted, "disabled": {"$ne": True}}, _FIELDS)
        ]
        contacts = []
        for doc in sorted(found, key=lambda d: (d["_id"] != holder_id, d["_id"])):
            if doc.get("unit") != unit_code and doc["_id"] != holder_id:
                continue
            contacts.append(
                OfficerContact(
                    officer_id=doc["_id"],
                    role="holder" if doc["_id"] == holder_id else "leader",
                    email=doc.get("email") or None,
                    phone=doc.get("phone") or None,
                )
            )
        return contacts
