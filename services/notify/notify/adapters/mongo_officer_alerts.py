"""Officer alerts in notify's database (`officer_alerts`): one document per (event, officer),
status `queued` → `sent`, or `skipped` with the reason. Kept with the same TTL as messages."""

from dataclasses import asdict
from datetime import datetime, timedelta

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from notify.domain.officer_alerts import OfficerAlert

_DUPLICATE_KEY = 11000


class MongoOfficerAlerts:
    def __init__(self, db: AsyncDatabase, ttl: timedelta) -> None:
        self.alerts, self.ttl = db.officer_alerts, ttl

    async def ensure_indexes(self) -> None:
        await self.alerts.create_index([("event_id", ASCENDING), ("status", ASCENDING)])
        await self.alerts.create_index(
            "created_at", expireAfterSeconds=int(self.ttl.total_seconds())
        )

    async def add_new(self, alerts: list[OfficerAlert], at: datetime) -> None:
        if not alerts:
            return
        documents = [
            {
                "_id": a.id,
                **{k: v for k, v in asdict(a).items() if k != "id"},
                "status": "skipped" if a.skipped else "queued",
                "created_at": at,
            }
            for a in alerts
        ]
        try:
            await self.alerts.insert_many(documents, ordered=False)
        except (
            BulkWriteError
        ) as exc:  # a redelivered event: the ones stored before stay as they are
            if any(e["code"] != _DUPLICATE_KEY for e in exc.details.get("writeErrors", [])):
                raise

    async def unsent(self, event_id: str) -> list[OfficerAlert]:
        fields = OfficerAlert.__dataclass_fields__
        return [
            OfficerAlert(id=d["_id"], **{k: d.get(k) for k in fields if k != "id"})
            async for d in self.alerts.find({"event_id": event_id, "status": "queued"}).sort(
                "_id", ASCENDING
            )
        ]

    async def mark_sent(self, alert_id: str, provider_id: str, at: datetime) -> None:
        await self.alerts.update_one(
            {"_id": alert_id, "status": "queued"},
            {"$set": {"status": "sent", "provider_id": provider_id, "sent_at": at}},
        )
