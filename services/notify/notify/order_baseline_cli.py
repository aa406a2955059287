"""`notify-order-baseline`: before the first start of the version that keeps each dossier's event
order (issue 15), give every dossier notify already handled its last handled version as its
record (app/order_baseline.py). Stop notify first; start the new version right after."""

import argparse
import asyncio
from collections.abc import Collection
from datetime import timedelta

from motcua_shared.auth import mint_token
from motcua_shared.local_run import load_local_run_env
from motcua_shared.mongo import close_client, mongo_client
from motcua_shared.timeutil import utcnow

from notify.adapters.intake_event_log import event_pages
from notify.adapters.mongo_event_order import MongoEventOrder
from notify.app.order_baseline import adopt_baselines
from notify.settings import NotifySettings


async def run_baseline(
    settings: NotifySettings, intake_url: str, *, page_size: int = 500
) -> tuple[int, int]:
    token = mint_token(
        settings.jwt_secret,
        "notify-order-baseline",
        "*",
        ["system"],
        algorithm=settings.jwt_algorithm,
        hours=1,
    )
    client = mongo_client(settings.mongodb_url)
    try:
        db = client[settings.db_name]
        order = MongoEventOrder(db, keep=timedelta(days=settings.order_keep_days))
        await order.ensure_indexes()
        now = utcnow()

        async def processed_among(ids: Collection[str]) -> set[str]:
            cursor = db["processed_events"].find({"_id": {"$in": list(ids)}}, {"_id": 1})
            return {doc["_id"] async for doc in cursor}

        async def adopt(versions: dict[str, int]) -> int:
            return await order.adopt(versions, now)

        return await adopt_baselines(
            event_pages(intake_url, token, page_size=page_size),
            processed_among,
            adopt,
            expired_before=now - timedelta(days=settings.message_ttl_days),
        )
    finally:
        await close_client(client)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Give every dossier notify handled its event order record "
        "(upgrade to the version hold). Stop notify-service first."
    )
    parser.add_argument(
        "--intake-url", default="http://127.0.0.1:8001", help="intake's base URL (its event log)"
    )
    parser.add_argument("--page-size", type=int, default=500)
    args = parser.parse_args(argv)
    load_local_run_env()  # scripts/run.sh's secrets and embedded server
    read, written = asyncio.run(
        run_baseline(NotifySettings(), args.intake_url, page_size=args.page_size)
    )
    print(f"read {read} events; {written} dossier records written or raised")
    return 0
