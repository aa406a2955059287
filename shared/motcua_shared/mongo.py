"""MongoDB connection helper. PyMongo's own asyncio API (AsyncMongoClient) replaces Motor,
which MongoDB deprecated on 14 May 2026; the calls are the same."""

from pymongo import AsyncMongoClient


def mongo_client(url: str, **options: object) -> AsyncMongoClient:
    # tz_aware: datetimes come back aware (UTC), as every motcua time must be.
    return AsyncMongoClient(url, tz_aware=True, uuidRepresentation="standard", **options)
