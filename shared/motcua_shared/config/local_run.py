"""The settings of the local run for the commands a README shows (motcua-token, reporting-apikey,
reporting-rebuild): `scripts/run.sh` keeps the installation's secrets in `.data/secrets.env` and
where its servers are (MONGODB_URL, AMQP_URL) in `.data/run.env`; a command run beside it reads
both, so it signs with the same secret and finds the embedded Mongo-wire server. A variable
already in the environment wins, so a deployment's own settings are never overridden."""

import os
import sys
from pathlib import Path

FILES = ("secrets.env", "run.env")


def data_folder() -> Path | None:
    """`.data` of the checkout: the working directory's, else the one beside the virtualenv."""
    for root in (Path.cwd(), Path(sys.prefix).parent):
        if (root / ".data").is_dir():
            return root / ".data"
    return None


def load_local_run_env() -> None:
    folder = data_folder()
    if folder is None:
        return
    for name in FILES:
        path = folder / name
        if not path.is_file():
            continue
        for line in path.read_text().splitlines():
            key, sep, value = line.partition("=")
            if sep and key and not key.startswith("#") and not os.environ.get(key):
                os.environ[key] = value
