"""`motcua-token`: mint an officer's bearer token for the demo and for scripts."""

import argparse

from motcua_shared.config.local_run import load_local_run_env
from motcua_shared.config.settings import CommonSettings
from motcua_shared.web.auth import ROLES, mint_token


def main() -> None:
    parser = argparse.ArgumentParser(description="Mint a motcua officer token (JWT).")
    parser.add_argument("--sub", required=True, help="officer id, e.g. desk01")
    parser.add_argument("--unit", required=True, help="unit code, e.g. 26734")
    parser.add_argument("--roles", default="desk", help=f"comma-separated, of {', '.join(ROLES)}")
    parser.add_argument(
        "--hours", type=float, default=8, help="lifetime; services refuse more than JWT_MAX_HOURS"
    )
    args = parser.parse_args()
    load_local_run_env()  # the secret scripts/run.sh generated
    settings = CommonSettings()
    print(
        mint_token(
            settings.jwt_secret,
            args.sub,
            args.unit,
            args.roles.split(","),
            hours=args.hours,
            algorithm=settings.jwt_algorithm,
        )
    )


if __name__ == "__main__":
    main()
