"""Officers' contacts from intake's `officers` accounts (agreed interface: `_id` = username =
the hand-over's `to_officer_id` = the token's `sub`; `unit`, `roles`, `email`, `phone`,
`disabled`). Reads only the fields a deadline message needs, in one round trip: never a password
hash, never a name."""

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from motcua_shared.events import OfficerContact

_FIELDS = {"unit": 1, "roles": 1, "email": 1, "phone": 1}


class MongoOfficerDirectory:
    def __init__(self, db: AsyncDatabase) -> None:
        self.officers = db.officers

    async def contacts(self, unit_code: str, holder_id: str | None, *, leaders: bool) -> list[OfficerContact]:
        wanted: list[dict[str, Any]] = []
        if holder_id:
            wanted.append({"_id": holder_id})
        if leaders:
            wanted.append({"unit": unit_code, "roles": "leader"})
        if not wanted:
            return []
        found = [doc async for doc in self.officers.find(
            {"$or": wanted, "disabled": {"$ne": True}}, _FIELDS)]
        contacts = []
        for doc in sorted(found, key=lambda d: (d["_id"] != holder_id, d["_id"])):
            if doc.get("unit") != unit_code and doc["_id"] != holder_id:
                continue
            contacts.append(OfficerContact(officer_id=doc["_id"], role="holder" if doc["_id"] == holder_id else "leader",
                                           email=doc.get("email") or None, phone=doc.get("phone") or None))
        return contacts
