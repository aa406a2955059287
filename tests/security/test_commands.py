"""The commands a README shows work as shown: `reporting-apikey create`, run beside the run
command, finds the embedded server and the secrets it started with (`.data`), and fails in one
line, quickly, when no server answers (it used to print a 40-line traceback after 30 s)."""

import os
import subprocess
from datetime import date

import httpx

from motcua_shared.config.settings import own_mongodb_url_setting
from motcua_shared.storage.embedded_mongo import SERVICES, free_port
from motcua_shared.testing.system import BIN

from .kit import UNIT

OWN_SERVERS = tuple(own_mongodb_url_setting(service) for service in SERVICES)
SETTINGS_FROM_DATA = (
    "MONGODB_URL",
    "AMQP_URL",
    "JWT_SECRET",
    "REPORTING_API_KEY_SECRET",
) + OWN_SERVERS


def _beside_the_run(system, tmp_path) -> dict[str, str]:
    """A folder laid out as scripts/run.sh leaves it on the embedded defaults (each service's
    server in run.env, no shared MONGODB_URL); the shell has none of its settings."""
    data = tmp_path / ".data"
    data.mkdir(mode=0o700)
    (data / "secrets.env").write_text(
        f"JWT_SECRET={system.env['JWT_SECRET']}\n"
        f"REPORTING_API_KEY_SECRET={system.env['REPORTING_API_KEY_SECRET']}\n"
    )
    servers = "".join(f"{name}={system.env['MONGODB_URL']}\n" for name in OWN_SERVERS)
    (data / "run.env").write_text(f"AMQP_URL={system.env['AMQP_URL']}\n{servers}")
    return {k: v for k, v in system.env.items() if k not in SETTINGS_FROM_DATA}


def test_apikey_create_finds_the_running_system(system, tmp_path):
    env = _beside_the_run(system, tmp_path)
    created = subprocess.run(
        [str(BIN / "reporting-apikey"), "create", "--name", "Sở Nội vụ", "--units", UNIT],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert created.returncode == 0, created.stderr
    key = created.stdout.split("X-API-Key: ")[1].split()[0]
    day = date.today().isoformat()
    report = httpx.get(
        f"{system.urls['reporting']}/api/v1/reports/one-stop",
        headers={"X-API-Key": key},
        params={"unit": UNIT, "from": day, "to": day},
        timeout=15,
    )
    assert report.status_code == 200, report.text


def test_motcua_token_signs_with_the_runs_secret(system, tmp_path):
    env = _beside_the_run(system, tmp_path)
    minted = subprocess.run(
        [str(BIN / "motcua-token"), "--sub", "desk01", "--unit", UNIT, "--roles", "desk"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert minted.returncode == 0, minted.stderr
    answer = httpx.get(
        f"{system.urls['notify']}/api/v1/dossiers/{UNIT}-000000-0000/messages",
        headers={"Authorization": "Bearer " + minted.stdout.strip()},
        timeout=15,
    )
    assert answer.status_code == 200, answer.text


def test_apikey_without_a_server_fails_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_FROM_DATA}
    env["MONGODB_URL"] = f"mongodb://127.0.0.1:{free_port()}/"  # nothing listens there
    failed = subprocess.run(
        [str(BIN / "reporting-apikey"), "create", "--name", "x", "--province", "79"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=25,
    )
    assert failed.returncode == 1
    [line] = failed.stderr.strip().splitlines()
    assert "MongoDB" in line and env["MONGODB_URL"] in line and "scripts/run.sh" in line
