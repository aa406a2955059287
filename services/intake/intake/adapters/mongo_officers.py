"""Officer accounts in intake's database, collection `officers`, `_id` = username (the agreed
interface: the same id as a hand-over's `to_officer_id` and the token's `sub`). A failure is
counted with one atomic `$inc`, so two wrong passwords at once are both counted."""

from datetime import datetime

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from intake.adapters.documents import from_document, to_document
from intake.domain.officers import LockoutPolicy, Officer


class MongoOfficers:
    def __init__(self, collection: AsyncCollection) -> None:
        self.collection = collection

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("unit", ASCENDING)])

    async def get(self, username: str) -> Officer | None:
        document = await self.collection.find_one({"_id": username})
        return from_document(Officer, document | {"username": document["_id"]}) if document else None

    async def insert(self, officer: Officer) -> bool:
        try:
            await self.collection.insert_one(to_document(officer, officer.username))
            return True
        except DuplicateKeyError:
            return False

    async def insert_if_absent(self, officer: Officer) -> bool:
        result = await self.collection.update_one(
            {"_id": officer.username}, {"$setOnInsert": to_document(officer, officer.username)}, upsert=True)
        return result.upserted_id is not None

    async def count_failure(self, username: str, policy: LockoutPolicy, now: datetime) -> None:
        document = await self.collection.find_one_and_update(
            {"_id": username}, {"$inc": {"failed_logins": 1}}, return_document=ReturnDocument.AFTER)
        if document is None:
            return
        lock_until = policy.after_failure(int(document["failed_logins"]), now)
        if lock_until is not None:
            await self.collection.update_one(
                {"_id": username}, {"$set": {"locked_until": lock_until, "failed_logins": 0}})

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
