"""deploy/compose.yaml: valid against the Compose Specification's JSON schema (as shipped by
check-jsonschema), accepted by `docker compose config` where a Compose client exists, and wired
the way the services read their settings."""

import importlib.resources
import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
from notify import settings as notify_settings

ONE_SHOT = {"mongo-init"}
# Read only by compose's own ${…} interpolation (deploy/motcua.env passed with --env-file).
INTERPOLATION_ONLY = {"RABBITMQ_USER", "RABBITMQ_PASSWORD"}


def placeholders(value: object) -> str:
    """A value with each ${NAME…} interpolation replaced by NAME, so it parses as a URL."""
    return re.sub(r"\$\{(\w+)[^}]*\}", r"\1", str(value))


def compose_schema() -> dict:
    vendor = importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
    return json.loads(vendor.joinpath("compose-spec.json").read_text(encoding="utf-8"))


def schema_errors(document: dict) -> list[str]:
    schema = compose_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def test_compose_file_matches_the_compose_specification(compose) -> None:
    assert schema_errors(compose) == []


def test_the_schema_check_rejects_a_misspelt_healthcheck(compose) -> None:
    broken = json.loads(json.dumps(compose))
    broken["services"]["intake"]["healthchek"] = broken["services"]["intake"].pop("healthcheck")
    assert schema_errors(broken)


def compose_client() -> list[str] | None:
    for command in (["docker", "compose"], ["docker-compose"]):
        if shutil.which(command[0]) and subprocess.run(
            [*command, "version"], capture_output=True, timeout=30
        ).returncode == 0:
            return command
    return None


def test_docker_compose_config_accepts_the_file(deploy_dir: Path, tmp_path: Path) -> None:
    client = compose_client()
    if client is None:
        pytest.skip("no Compose client here (docker compose / docker-compose)")
    # deploy/motcua.env is git-ignored: check against a copy of the tree with the example as env file.
    (tmp_path / "deploy").mkdir()
    for name in ("compose.yaml", "Dockerfile"):
        shutil.copy(deploy_dir / name, tmp_path / "deploy" / name)
    shutil.copy(deploy_dir / "motcua.env.example", tmp_path / "deploy" / "motcua.env")
    for name in ("shared", "services"):
        (tmp_path / name).symlink_to(deploy_dir.parent / name)
    result = subprocess.run(
        [*client, "--env-file", "deploy/motcua.env", "-f", "deploy/compose.yaml", "config", "--quiet"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_every_long_running_container_has_a_healthcheck(compose) -> None:
    missing = [name for name, svc in compose["services"].items()
               if name not in ONE_SHOT and not svc.get("healthcheck", {}).get("test")]
    assert missing == []


def test_each_service_is_healthy_only_when_its_readyz_answers(compose, app_service) -> None:
    test = " ".join(compose["services"][app_service.name]["healthcheck"]["test"])
    assert f"http://127.0.0.1:{app_service.port}/readyz" in test


def test_the_sandbox_is_healthy_when_its_healthz_answers(compose, services) -> None:
    test = " ".join(compose["services"]["notify-sandbox"]["healthcheck"]["test"])
    assert f"http://127.0.0.1:{services['notify-sandbox'].port}/healthz" in test


def test_each_service_starts_after_rabbitmq_and_an_initiated_replica_set(compose, app_service) -> None:
    assert compose["services"][app_service.name]["depends_on"] == {
        "rabbitmq": {"condition": "service_healthy"},
        "mongo": {"condition": "service_healthy"},
        "mongo-init": {"condition": "service_completed_successfully"},
    }


def test_each_service_is_built_from_its_own_dockerfile_target(compose, stages, image_service) -> None:
    build = compose["services"][image_service.name]["build"]
    assert build["dockerfile"] == "deploy/Dockerfile" and build["context"] == ".."
    assert build["target"] == image_service.name and image_service.name in stages


def test_each_published_port_is_the_one_the_service_listens_on(compose, image_service) -> None:
    assert compose["services"][image_service.name]["ports"] == [f"127.0.0.1:{image_service.port}:{image_service.port}"]


def container_env(compose, stages, env_example, service) -> dict[str, str]:
    """What the container sees: image ENV, then env_file, then environment (compose's order)."""
    svc = compose["services"][service.name]
    env = dict(stages[service.name].env)
    if svc.get("env_file"):
        assert svc["env_file"] == ["motcua.env"]
        env |= env_example
    env |= {key: str(value) for key, value in svc.get("environment", {}).items()}
    return env


def test_each_container_gets_every_setting_a_deployment_must_set(compose, stages, env_example, image_service) -> None:
    env = container_env(compose, stages, env_example, image_service)
    missing = sorted(name for name in image_service.required_env() if not env.get(name))
    assert missing == [], f"{image_service}: set {missing} in compose.yaml or motcua.env.example"


def test_no_service_reads_an_empty_value_from_the_env_file(compose, env_example, app_service) -> None:
    """An empty line in the env file replaces the setting's default with "" for that service."""
    environment = compose["services"][app_service.name].get("environment", {})
    empty = {key for key, value in env_example.items() if not value} & app_service.known_env()
    assert sorted(empty - set(environment)) == []


def test_each_variable_compose_sets_is_one_the_service_reads(compose, image_service) -> None:
    environment = compose["services"][image_service.name].get("environment", {})
    assert sorted(set(environment) - image_service.known_env()) == []


def test_each_env_file_variable_is_read_by_some_service(env_example, services) -> None:
    known = set().union(*(s.known_env() for s in services.values())) | INTERPOLATION_ONLY
    assert sorted(set(env_example) - known) == []


def test_every_interpolated_variable_is_in_the_env_file_or_has_a_default(deploy_dir, env_example) -> None:
    text = deploy_dir.joinpath("compose.yaml").read_text(encoding="utf-8")
    used = {m[1] for m in re.finditer(r"\$\{(\w+)(:?-)?", text) if not m[2]}  # ${X:-default} needs none
    assert sorted(used - set(env_example)) == []
    assert INTERPOLATION_ONLY <= used


def test_urls_between_containers_name_a_service_and_the_port_it_listens_on(compose, services) -> None:
    ports = {name: s.port for name, s in services.items()} | {"rabbitmq": 5672, "mongo": 27017}
    wrong = []
    for name, svc in compose["services"].items():
        for key, value in svc.get("environment", {}).items():
            url = urlsplit(placeholders(value))
            if url.scheme and url.hostname in compose["services"] and url.port != ports[url.hostname]:
                wrong.append(f"{name}.{key}={value}")
    assert wrong == []


def test_mongodb_url_names_the_replica_set_that_mongo_init_initiates(compose) -> None:
    command = compose["services"]["mongo"]["command"]
    replica_set = command[command.index("--replSet") + 1]
    url = compose["x-connections"]["MONGODB_URL"]
    assert f"replicaSet={replica_set}" in url and urlsplit(url).hostname == "mongo"
    init = " ".join(compose["services"]["mongo-init"]["command"])
    assert f'rs.initiate({{_id: "{replica_set}", members: [{{_id: 0, host: "mongo:27017"}}]}})' in init
    assert "isWritablePrimary" in init
    assert compose["services"]["mongo-init"]["depends_on"] == {"mongo": {"condition": "service_healthy"}}


def test_rabbitmq_has_the_management_plugin_and_the_user_of_amqp_url(compose) -> None:
    rabbitmq = compose["services"]["rabbitmq"]
    assert rabbitmq["image"].endswith("-management")
    # The plugins file it mounts keeps management and adds the partitions' consistent-hash exchange.
    [mount] = [v for v in rabbitmq["volumes"] if str(v).endswith(":/etc/rabbitmq/enabled_plugins:ro")]
    plugins = (Path(__file__).resolve().parents[2] / "deploy" / mount.split(":")[0]).read_text()
    assert {"rabbitmq_management", "rabbitmq_consistent_hash_exchange"} <= set(
        plugins.strip().strip("[].").split(","))
    url = urlsplit(placeholders(compose["x-connections"]["AMQP_URL"]))
    assert (url.hostname, url.port) == ("rabbitmq", 5672)
    assert (url.username, url.password) == ("RABBITMQ_USER", "RABBITMQ_PASSWORD")
    assert rabbitmq["environment"]["RABBITMQ_DEFAULT_USER"].startswith("${RABBITMQ_USER")
    assert rabbitmq["environment"]["RABBITMQ_DEFAULT_PASS"].startswith("${RABBITMQ_PASSWORD")


def test_notify_uses_the_sandbox_with_the_credentials_the_sandbox_accepts(compose, services) -> None:
    notify = compose["services"]["notify"]["environment"]
    sandbox = services["notify-sandbox"].settings()
    assert notify["NOTIFY_ZALO_BASE_URL"] == notify["NOTIFY_ZALO_OAUTH_URL"] == "http://notify-sandbox:8010"
    assert notify["NOTIFY_SMS_URL"] == "http://notify-sandbox:8010/sms/send"
    assert notify["NOTIFY_EMAIL_URL"] == "http://notify-sandbox:8010/email/send"
    pairs = {
        "NOTIFY_ZALO_APP_ID": sandbox.zalo_app_id,
        "NOTIFY_ZALO_SECRET_KEY": sandbox.zalo_secret_key,
        "NOTIFY_SMS_USERNAME": sandbox.sms_username,
        "NOTIFY_SMS_PASSWORD": sandbox.sms_password,
        "NOTIFY_EMAIL_API_KEY": sandbox.email_api_key,
    }
    assert {key: notify[key] for key in pairs} == pairs
    # The secrets guarding notify's webhooks come from the env file, the same for both sides
    # (notify refuses the sandbox's public defaults).
    sandbox_env = compose["services"]["notify-sandbox"]["environment"]
    assert notify["NOTIFY_WEBHOOK_TOKEN"] == sandbox_env["NOTIFY_SANDBOX_WEBHOOK_TOKEN"]
    assert notify["NOTIFY_ZALO_OA_SECRET_KEY"] == sandbox_env["NOTIFY_SANDBOX_ZALO_OA_SECRET_KEY"]
    assert notify["NOTIFY_WEBHOOK_TOKEN"].startswith("${NOTIFY_WEBHOOK_TOKEN")
    assert compose["services"]["notify-sandbox"]["environment"]["NOTIFY_SANDBOX_NOTIFY_URL"] == "http://notify:8002"


def test_no_secret_is_written_in_the_compose_file(compose) -> None:
    sandbox_values = {v for k, v in vars(notify_settings).items() if k.startswith("SANDBOX_")}  # never real
    written = [
        f"{name}.{key}"
        for name, svc in compose["services"].items()
        for key, value in svc.get("environment", {}).items()
        if re.search(r"SECRET|PASS|TOKEN|HMAC", key) and "${" not in str(value) and str(value) not in sandbox_values
    ]
    assert written == [], "secrets belong in deploy/motcua.env, not compose.yaml"


def test_the_desk_reaches_the_services_by_name_with_the_shared_secret(compose, stages) -> None:
    """The desk web app has no database or broker, so it is not one of the four app services
    above; what a deployment must still give it: each loopback default replaced, JWT_SECRET from
    the env file, readiness on /readyz, its own image target listening on every interface."""
    from desk.settings import DeskSettings

    desk = compose["services"]["desk"]
    loopback = {f"DESK_{name.upper()}" for name, info in DeskSettings.model_fields.items()
                if name != "host" and isinstance(info.default, str) and "127.0.0.1" in info.default
                and info.validation_alias is None}
    assert loopback == {"DESK_INTAKE_URL", "DESK_REPORTING_URL", "DESK_SURVEY_URL", "DESK_PUBLIC_URL"}
    assert loopback <= set(desk["environment"])
    assert desk["env_file"] == ["motcua.env"]  # JWT_SECRET, the same as intake's
    assert "/readyz" in " ".join(desk["healthcheck"]["test"])
    stage = stages["desk"]
    assert stage.cmd == ["desk-service"] and stage.env.get("DESK_HOST") == "0.0.0.0" and 8005 in stage.expose
