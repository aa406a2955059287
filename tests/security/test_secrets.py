"""Issue 14.1: public default secrets. With the repository's JWT_SECRET anyone mints a `system`
token; with the sandbox's webhook token anyone forges a STOP. A service refuses to start on a
public default or a short secret, in one log line, unless MOTCUA_DEV_INSECURE=1; the run command
generates the secrets once per installation, readable by the owner only."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from motcua_shared.storage.embedded_mongo import free_port
from motcua_shared.testing.system import BIN, ROOT

from .kit import eventually

SECRET_NAMES = (
    "JWT_SECRET",
    "NOTIFY_WEBHOOK_TOKEN",
    "NOTIFY_ZALO_OA_SECRET_KEY",
    "NOTIFY_PHONE_HMAC_KEY",
    "SURVEY_RATE_LIMIT_SECRET",
    "REPORTING_API_KEY_SECRET",
    "MOTCUA_DEV_INSECURE",
)
REFUSED = {  # each service, and the public defaults it must name
    "intake": ["JWT_SECRET"],
    "notify": [
        "JWT_SECRET",
        "NOTIFY_WEBHOOK_TOKEN",
        "NOTIFY_PHONE_HMAC_KEY",
        "NOTIFY_ZALO_OA_SECRET_KEY",
    ],
    "survey": ["JWT_SECRET", "SURVEY_RATE_LIMIT_SECRET"],
    "reporting": ["JWT_SECRET", "REPORTING_API_KEY_SECRET"],
}


def _env(system, **changes: str) -> dict[str, str]:
    env = {k: v for k, v in system.env.items() if k not in SECRET_NAMES}
    return env | {f"{name.upper()}_PORT": str(free_port()) for name in REFUSED} | changes


def _start(service: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / f"{service}-service")], env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )


def _ended(process: subprocess.Popen, timeout: float = 60) -> int | None:
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return None


@pytest.mark.parametrize("service", REFUSED)
def test_a_service_refuses_to_start_on_public_default_secrets(system, service, tmp_path):
    log = tmp_path / f"{service}.log"
    code = _ended(_start(service, _env(system), log))
    output = log.read_text()
    assert code not in (None, 0), f"{service} started with the repository's secrets:\n{output}"
    [line] = [line for line in output.splitlines() if "refuses to start" in line]  # one clear line
    for name in REFUSED[service]:
        assert name in line


def test_a_short_secret_is_refused_too(system, tmp_path):
    log = tmp_path / "intake.log"
    code = _ended(_start("intake", _env(system, JWT_SECRET="s3cr3t-but-short"), log))
    assert code not in (None, 0) and "JWT_SECRET" in log.read_text()


def test_the_development_flag_starts_with_one_warning_line(system, tmp_path):
    env = _env(system, MOTCUA_DEV_INSECURE="1")
    log = tmp_path / "intake.log"
    process = _start("intake", env, log)
    try:
        url = f"http://127.0.0.1:{env['INTAKE_PORT']}/healthz"

        def answers() -> bool:
            assert process.poll() is None, log.read_text()
            try:
                return httpx.get(url, timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        eventually(answers, what="intake on the development flag")
    finally:
        process.terminate()
        _ended(process, 30)
    warnings = [line for line in log.read_text().splitlines() if "MOTCUA_DEV_INSECURE" in line]
    assert len(warnings) == 1 and "JWT_SECRET" in warnings[0]


def test_the_run_command_generates_private_secrets_once(tmp_path):
    data = tmp_path / ".data"
    data.mkdir(mode=0o700)
    script = [sys.executable, str(ROOT / "scripts" / "secrets_file.py"), str(data / "secrets.env")]
    env = {k: v for k, v in os.environ.items() if k not in SECRET_NAMES}
    subprocess.run(script, check=True, env=env, capture_output=True, umask=0o077)
    first = (data / "secrets.env").read_text()
    subprocess.run(script, check=True, env=env, capture_output=True)
    assert (data / "secrets.env").read_text() == first  # kept: tokens and API-key hashes stay valid
    assert stat.S_IMODE((data / "secrets.env").stat().st_mode) == 0o600
    values = dict(line.split("=", 1) for line in first.splitlines() if not line.startswith("#"))
    for name in REFUSED["notify"] + REFUSED["survey"] + REFUSED["reporting"]:
        assert len(values[name]) >= 32, name
    assert values["NOTIFY_SANDBOX_WEBHOOK_TOKEN"] == values["NOTIFY_WEBHOOK_TOKEN"]
    assert (
        len(
            set(
                values[n]
                for n in ("JWT_SECRET", "NOTIFY_WEBHOOK_TOKEN", "REPORTING_API_KEY_SECRET")
            )
        )
        == 3
    )
    run_sh = (ROOT / "scripts" / "run.sh").read_text()
    assert "scripts/secrets_file.py .data/secrets.env" in run_sh and "chmod 700 .data" in run_sh


def test_the_banner_prints_only_short_lived_tokens():
    """Its output may land in a log: the demo tokens it prints expire within the hour."""
    import inspect

    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import banner
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    assert banner.TOKEN_HOURS <= 1
    assert "hours=TOKEN_HOURS" in inspect.getsource(banner.main)
