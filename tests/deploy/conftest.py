"""What the deployment files are checked against: the services' own settings classes (the env
variables they read, their ports), the Dockerfile's targets, and the parsed compose file and
Kubernetes manifests. Offline: nothing here needs Docker, a cluster or the network."""

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import AliasChoices
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings

from intake.settings import IntakeSettings
from notify import settings as notify_settings
from notify.sandbox.settings import SandboxSettings
from notify.settings import NotifySettings
from reporting.settings import ReportingSettings
from survey.settings import SurveySettings

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
K8S = DEPLOY / "k8s"


# Defaults that only work for the sandbox gateway; a deployment must replace them.
_SANDBOX_VALUES = {
    value for name, value in vars(notify_settings).items() if name.startswith("SANDBOX_")
}
# Settings without a developer-only default that a deployment must still decide.
MUST_DECIDE = {"INTAKE_SEED_DEMO"}


@dataclass(frozen=True)
class Service:
    name: str  # compose service, Kubernetes Deployment and Dockerfile target
    settings: type[BaseSettings]
    package: Path  # the folder of the pyproject.toml that declares its console script
    sandbox: bool = False

    def __str__(self) -> str:
        return self.name

    @property
    def port(self) -> int:
        return self.settings.model_fields["port"].default

    def env_choices(self) -> dict[str, tuple[list[str], FieldInfo]]:
        """Each settings field's environment variables (upper case), in the order they are
        tried: a service's own INTAKE_MONGODB_URL before the shared MONGODB_URL."""
        prefix = self.settings.model_config.get("env_prefix", "")
        fields = {}
        for name, info in self.settings.model_fields.items():
            alias = info.validation_alias
            if isinstance(alias, AliasChoices):
                envs = list(dict.fromkeys(str(choice).upper() for choice in alias.choices))
            elif isinstance(alias, str):
                envs = [alias.upper()]
            else:
                envs = [(prefix + name).upper()]
            fields[name] = (envs, info)
        return fields

    def env_names(self) -> dict[str, FieldInfo]:
        """Every environment variable a settings field is read from (upper case)."""
        return {env: info for envs, info in self.env_choices().values() for env in envs}

    def known_env(self) -> set[str]:
        return set(self.env_names())

    def required_env(self) -> set[str]:
        """Variables a deployment must set: those whose default works on a developer's machine
        only (a loopback address, a `dev` secret, or, except for the sandbox itself, one of the
        sandbox gateway's credentials), and the few it must decide (MUST_DECIDE). Of a field read
        from several, the last (the one every service shares): a service's own is optional."""
        required = {
            envs[-1]
            for envs, info in self.env_choices().values()
            if self._developer_only(info.default)
        }
        return required | (MUST_DECIDE & self.env_names().keys())

    def _developer_only(self, default: Any) -> bool:
        if not isinstance(default, str):
            return False
        if re.search(r"127\.0\.0\.1|localhost|\bdev\b", default):
            return True
        return not self.sandbox and default in _SANDBOX_VALUES


APP_SERVICES = (
    Service("intake", IntakeSettings, REPO / "services/intake"),
    Service("notify", NotifySettings, REPO / "services/notify"),
    Service("survey", SurveySettings, REPO / "services/survey"),
    Service("reporting", ReportingSettings, REPO / "services/reporting"),
)
SANDBOX = Service("notify-sandbox", SandboxSettings, REPO / "services/notify", sandbox=True)


@pytest.fixture(params=APP_SERVICES, ids=str)
def app_service(request: pytest.FixtureRequest) -> Service:
    """Each of the four services in turn."""
    return request.param


@pytest.fixture(params=(*APP_SERVICES, SANDBOX), ids=str)
def image_service(request: pytest.FixtureRequest) -> Service:
    """Each service with an image of its own in turn: the four and notify-sandbox."""
    return request.param


@pytest.fixture(scope="session")
def services() -> dict[str, Service]:
    return {s.name: s for s in (*APP_SERVICES, SANDBOX)}


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


@dataclass
class Stage:
    name: str
    base: str
    env: dict[str, str] = field(default_factory=dict)
    expose: list[int] = field(default_factory=list)
    cmd: list[str] = field(default_factory=list)
    runs: list[str] = field(default_factory=list)


def dockerfile_stages(path: Path) -> dict[str, Stage]:
    """Stages by name with what each sets; a stage built FROM another inherits its ENV."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    stages: dict[str, Stage] = {}
    stage: Stage | None = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, rest = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            match = re.fullmatch(r"(\S+)\s+AS\s+(\S+)", rest.strip(), re.IGNORECASE)
            assert match, f"every stage is named: {line}"
            base, name = match.groups()
            stage = Stage(name, base, env=dict(stages[base].env) if base in stages else {})
            stages[name] = stage
        elif stage is None:
            continue
        elif instruction == "ENV":
            for pair in shlex.split(rest):
                key, _, value = pair.partition("=")
                stage.env[key] = value
        elif instruction == "EXPOSE":
            stage.expose += [int(port.split("/")[0]) for port in rest.split()]
        elif instruction == "CMD":
            stage.cmd = yaml.safe_load(rest)
        elif instruction == "RUN":
            stage.runs.append(rest)
    return stages


@pytest.fixture(scope="session")
def stages() -> dict[str, Stage]:
    return dockerfile_stages(DEPLOY / "Dockerfile")


@pytest.fixture(scope="session")
def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Manifest:
    path: Path
    doc: dict[str, Any]

    @property
    def kind(self) -> str:
        return self.doc["kind"]

    @property
    def name(self) -> str:
        return self.doc["metadata"]["name"]

    def __str__(self) -> str:
        return f"{self.path.relative_to(REPO)}: {self.kind}/{self.name}"


def load_manifests(paths: list[Path]) -> list[Manifest]:
    return [
        Manifest(path, doc)
        for path in paths
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8"))
        if doc
    ]


@pytest.fixture(scope="session")
def manifests() -> list[Manifest]:
    """Everything kustomization.yaml applies."""
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    return load_manifests([K8S / name for name in kustomization["resources"]])


@pytest.fixture(scope="session")
def example_secrets() -> list[Manifest]:
    return load_manifests(sorted((K8S / "examples").glob("*.yaml")))


@pytest.fixture(scope="session")
def deploy_dir() -> Path:
    return DEPLOY


@pytest.fixture(scope="session")
def env_example() -> dict[str, str]:
    """deploy/motcua.env.example, the model of deploy/motcua.env (compose's env file)."""
    return read_env_file(DEPLOY / "motcua.env.example")
