"""`reporting-rebuild`: drop the projections and rebuild them from intake's and survey's event
logs (GET /api/v1/events with a system token), through the live projector's code."""

import argparse
import asyncio
import sys

from motcua_shared.config.local_run import load_local_run_env
from motcua_shared.storage.mongo import mongo_client
from motcua_shared.vietnam.timeutil import utcnow
from motcua_shared.web.auth import mint_token

from reporting.adapters.event_log_client import EventLogClient
from reporting.adapters.mongo_projection import MongoProjectionStore
from reporting.app.rebuild import RebuildSummary, rebuild
from reporting.settings import ReportingSettings


async def rebuild_from_logs(settings: ReportingSettings, *, page_size: int = 500) -> RebuildSummary:
    token = mint_token(
        settings.jwt_secret,
        "reporting-rebuild",
        "*",
        ["system"],
        algorithm=settings.jwt_algorithm,
        hours=settings.jwt_max_hours,
    )  # the longest the services accept
    sources = [
        EventLogClient("intake", settings.intake_url, token, page_size=page_size),
        EventLogClient("survey", settings.survey_url, token, page_size=page_size),
    ]
    client = mongo_client(settings.mongodb_url)
    try:
        store = MongoProjectionStore(client, client[settings.db_name])
        return await rebuild(store, utcnow, sources)
    finally:
        await client.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Rebuild reporting's projections from the event logs of "
        "intake and survey. Stop reporting-service first."
    )
    parser.add_argument("--page-size", type=int, default=500)
    args = parser.parse_args(argv)
    load_local_run_env()  # scripts/run.sh's secrets and embedded server
    settings = ReportingSettings()
    summary = asyncio.run(rebuild_from_logs(settings, page_size=args.page_size))
    print(
        f"read {summary.read} events, applied {summary.applied}, skipped {summary.skipped}, "
        f"still parked {summary.parked_left}, rejected {len(summary.rejected)}"
    )
    for reason in summary.rejected:
        print(f"  rejected: {reason}")
    return 0 if not summary.rejected and not summary.parked_left else 1


if __name__ == "__main__":
    sys.exit(main())
