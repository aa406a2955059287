"""`reporting-apikey`: create (the key is printed once), list and revoke provincial API keys.

    reporting-apikey create --name "Sở Nội vụ TP.HCM" --province 79
    reporting-apikey create --name "Cụm phường" --units 26734,26737
    reporting-apikey list
    reporting-apikey revoke <key id>

Beside `scripts/run.sh` it reads the run's `.data` (its embedded Mongo-wire server and secrets);
when MongoDB does not answer within a few seconds it says so in one line and exits 1.
"""

import argparse
import asyncio
import sys

from pymongo.errors import PyMongoError

from motcua_shared.config.local_run import load_local_run_env
from motcua_shared.storage.mongo import close_client, mongo_client
from motcua_shared.vietnam.timeutil import utcnow

from reporting.adapters.mongo_api_keys import MongoApiKeyRepository
from reporting.adapters.mongo_collections import ensure_indexes
from reporting.app.api_keys import ApiKeys
from reporting.domain.scope import AccessScope
from reporting.settings import ReportingSettings

SERVER_WAIT_MS = 5000


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Manage reporting API keys for provincial systems."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="create a key and print it (once)")
    create.add_argument("--name", required=True, help="who the key is for")
    scope = create.add_mutually_exclusive_group(required=True)
    scope.add_argument("--province", help="province code: every unit in it")
    scope.add_argument("--units", help="comma-separated unit codes")
    commands.add_parser("list", help="list keys (never the keys themselves)")
    revoke = commands.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id")
    return parser


async def run_command(argv: list[str], settings: ReportingSettings) -> int:
    args = _parser().parse_args(argv)
    client = mongo_client(settings.mongodb_url, serverSelectionTimeoutMS=SERVER_WAIT_MS)
    try:
        db = client[settings.db_name]
        await ensure_indexes(db)
        keys = ApiKeys(MongoApiKeyRepository(db), settings.api_key_secret, utcnow)
        if args.command == "create":
            units = frozenset(u.strip() for u in (args.units or "").split(",") if u.strip())
            record, key = await keys.create(
                args.name, AccessScope(province=args.province, units=units)
            )
            print(f"key id {record.key_id} for {record.name} ({record.scope.describe()})")
            print(f"X-API-Key: {key}")
            print("Store it now: it is not kept and cannot be shown again.")
        elif args.command == "list":
            for record in await keys.list():
                state = f"revoked {record.revoked_at:%Y-%m-%d}" if record.revoked_at else "active"
                print(f"{record.key_id}  {state:<18} {record.scope.describe():<30} {record.name}")
        elif not await keys.revoke(args.key_id):
            print(f"no active key {args.key_id}", file=sys.stderr)
            return 1
        else:
            print(f"revoked {args.key_id}")
        return 0
    finally:
        await close_client(client)


def main() -> int:
    load_local_run_env()
    settings = ReportingSettings()
    try:
        return asyncio.run(run_command(sys.argv[1:], settings))
    except PyMongoError as exc:
        print(
            f"reporting-apikey: MongoDB at {settings.mongodb_url} does not answer "
            f"({type(exc).__name__}); "
            "start the system (scripts/run.sh) or set MONGODB_URL",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
