"""Each dossier's event order in notify's database (`event_order`, one document per dossier):
the last version handled, the events held behind a gap (with their bodies: they are handled
from here when the gap fills), and `rev`, which every write checks and bumps.

Why a conditional write (issue 15): two consumers may briefly handle one dossier at once (a
partition handed over, K changed on a live system). A batch reads the records before its
transaction; its write matches only the `rev` it read, so a record another consumer changed
meanwhile fails the whole transaction (OrderMoved) and the batch is redelivered and read again:
neither an event held behind a gap the other just filled nor a version handled twice.
Held events keep the citizen's phone only while they wait (bounded by NOTIFY_HOLD_MAX_MINUTES).
"""

from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, InsertOne, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from motcua_shared.events import parse_envelope

from notify.app.ports import OrderMoved
from notify.domain.event_order import DossierOrder, Held

COLLECTION = "event_order"


class MongoEventOrder:
    def __init__(self, db: AsyncDatabase, *, keep: timedelta) -> None:
        self.collection = db[COLLECTION]
        self.keep = keep  # a dossier's record outlives its last event by this much

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("oldest_held_at", ASCENDING)])  # the sweeper's query
        await self.collection.create_index([("giving_up_at", ASCENDING)])  # and its recovery
        await self.collection.create_index([("expires_at", ASCENDING)], expireAfterSeconds=0)

    async def orders_of(self, codes: Collection[str]) -> dict[str, DossierOrder]:
        if not codes:
            return {}
        cursor = self.collection.find({"_id": {"$in": list(codes)}})
        return {doc["_id"]: _order(doc) async for doc in cursor}

    async def write(
        self,
        orders: Sequence[DossierOrder],
        at: datetime,
        session: AsyncClientSession | None = None,
    ) -> None:
        """Store the new records, each only if still at the `rev` it was read at (then rev + 1)."""
        if not orders:
            return
        requests: list[Any] = []
        for order in orders:
            doc = _document(order, at + self.keep)
            if order.rev == 0:
                requests.append(InsertOne({"_id": order.code, **doc, "rev": 1}))
            else:
                requests.append(
                    UpdateOne(
                        {"_id": order.code, "rev": order.rev}, {"$set": doc, "$inc": {"rev": 1}}
                    )
                )
        try:
            result = await self.collection.bulk_write(requests, ordered=True, session=session)
        except BulkWriteError as exc:
            raise OrderMoved(
                f"a dossier's event order changed meanwhile ({_first_error(exc)})"
            ) from None
        if result.inserted_count + result.matched_count != len(requests):
            raise OrderMoved("a dossier's event order changed meanwhile (rev moved)")

    async def adopt(self, versions: dict[str, int], at: datetime) -> int:
        """Raise each dossier's record to at least `versions[code]` (created if absent)."""
        if not versions:
            return 0
        result = await self.collection.bulk_write(
            [
                UpdateOne(
                    {"_id": code},
                    {
                        "$max": {"version": version},
                        "$inc": {"rev": 1},
                        "$set": {"expires_at": at + self.keep},
                        "$setOnInsert": {"held": [], "oldest_held_at": None},
                    },
                    upsert=True,
                )
                for code, version in versions.items()
            ],
            ordered=False,
        )
        return result.upserted_count + result.modified_count

    async def expired(self, before: datetime, limit: int) -> list[DossierOrder]:
        """Dossiers whose oldest held event has waited since before `before` (index on it)."""
        cursor = self.collection.find({"oldest_held_at": {"$lt": before}}).sort(
            "oldest_held_at", ASCENDING
        )
        return [_order(doc) for doc in await cursor.to_list(length=limit)]

    async def give_up(self, order: DossierOrder, at: datetime, reason: str) -> bool:
        """Move what it held to `giving_up` (the sweeper dead-letters them, then `gave_up`), if
        nothing changed since it was read: of two sweepers, one gives a gap up."""
        result = await self.collection.update_one(
            {"_id": order.code, "rev": order.rev},
            {
                "$set": {
                    "held": [],
                    "oldest_held_at": None,
                    "giving_up": _held_docs(order),
                    "giving_up_at": at,
                    "giving_up_reason": reason,
                },
                "$inc": {"rev": 1},
            },
        )
        return result.matched_count == 1

    async def gave_up(self, code: str) -> None:
        await self.collection.update_one(
            {"_id": code}, {"$unset": {"giving_up": "", "giving_up_at": "", "giving_up_reason": ""}}
        )

    async def unfinished_give_ups(
        self, before: datetime, limit: int
    ) -> list[tuple[str, list[Held], str]]:
        """Gaps given up whose dead letters a sweeper may not have published (it died)."""
        cursor = self.collection.find(
            {"giving_up_at": {"$lt": before}}, {"giving_up": 1, "giving_up_reason": 1}
        ).limit(limit)
        return [
            (
                doc["_id"],
                [_held(h) for h in doc.get("giving_up") or ()],
                str(doc.get("giving_up_reason")),
            )
            async for doc in cursor
        ]


def _document(order: DossierOrder, expires_at: datetime) -> dict[str, Any]:
    return {
        "version": order.version,
        "held": _held_docs(order),
        "oldest_held_at": order.oldest_held_at,
        "expires_at": expires_at,
    }


def _held_docs(order: DossierOrder) -> list[dict[str, Any]]:
    return [
        {
            "event_id": str(h.envelope.event_id),
            "routing_key": h.envelope.routing_key,
            "body": h.envelope.model_dump_json(),
            "held_at": h.held_at,
        }
        for h in order.held
    ]


def _held(doc: dict[str, Any]) -> Held:
    return Held(parse_envelope(doc["body"]), _aware(doc["held_at"]))


def _order(doc: dict[str, Any]) -> DossierOrder:
    held = tuple(_held(h) for h in doc.get("held") or ())
    return DossierOrder(doc["_id"], int(doc.get("version", 0)), held, int(doc.get("rev", 0)))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _first_error(exc: BulkWriteError) -> str:
    errors = exc.details.get("writeErrors", [])
    return str(errors[0].get("errmsg", "write error"))[:200] if errors else "write error"
