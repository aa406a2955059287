"""deploy/Dockerfile: one target per service, each running its own console script on its port."""

import os
import re
import shlex
import subprocess
import tomllib

import pytest

from .conftest import REPO


def console_scripts(service) -> dict[str, str]:
    pyproject = tomllib.loads((service.package / "pyproject.toml").read_text(encoding="utf-8"))
    return pyproject["project"]["scripts"]


def test_each_image_target_runs_its_own_console_script(stages, image_service) -> None:
    stage = stages[image_service.name]
    assert stage.cmd in ([image_service.name + "-service"], [image_service.name]), stage.cmd
    assert stage.cmd[0] in console_scripts(image_service)


def test_each_image_target_listens_on_every_interface_on_its_settings_port(
    stages, image_service
) -> None:
    stage = stages[image_service.name]
    host = next(env for env in image_service.env_names() if env.endswith("_HOST"))
    assert stage.env.get(host) == "0.0.0.0", (
        f"{image_service}: {host} must be 0.0.0.0 in a container"
    )
    assert image_service.port in stage.expose


def test_each_service_target_installs_shared_and_its_own_service_only(stages, app_service) -> None:
    installs = " ".join(stages[app_service.name].runs)
    assert "motcua_shared-" in installs and f"motcua_{app_service.name}-" in installs
    others = {"intake", "notify", "survey", "reporting"} - {app_service.name}
    assert not [other for other in others if f"motcua_{other}-" in installs]


def test_each_service_target_runs_as_the_unprivileged_user(deploy_dir, app_service) -> None:
    dockerfile = deploy_dir.joinpath("Dockerfile").read_text(encoding="utf-8")
    assert "useradd --system --uid 10001" in dockerfile
    block = dockerfile.split(f" AS {app_service.name}\n", 1)[1].split("\nFROM ", 1)[0]
    assert "\nUSER motcua\n" in block, f"{app_service} would run as root"


LOCKED_TARGETS = ("intake", "notify", "survey", "reporting", "desk")


def exported_requirements(stages, target: str, tmp_path) -> str:
    """Run the wheels stage's own `uv export` for `target` here, with install.sh's uv."""
    run = next(run for run in stages["wheels"].runs if "uv export" in run)
    command = "uv export" + run.split("uv export", 1)[1].split("||", 1)[0]
    output = tmp_path / f"{target}.txt"
    command = command.replace('"/wheels/$service.txt"', str(output)).replace("$service", target)
    argv = [str(REPO / ".tools/uv/bin/uv"), *shlex.split(command)[1:]]
    subprocess.run(argv, cwd=REPO, check=True, env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"})
    return output.read_text(encoding="utf-8")


def test_the_image_builds_with_the_uv_that_install_sh_pins(deploy_dir) -> None:
    dockerfile = deploy_dir.joinpath("Dockerfile").read_text(encoding="utf-8")
    install = (REPO / "scripts/install.sh").read_text(encoding="utf-8")
    pinned = re.search(r"^UV_VERSION=(\S+)$", install, re.MULTILINE)
    assert pinned and f"ARG UV_VERSION={pinned.group(1)}\n" in dockerfile


@pytest.mark.parametrize("target", LOCKED_TARGETS)
def test_each_target_installs_its_third_party_packages_from_the_lock_with_hashes(
    stages, target, tmp_path
) -> None:
    runs = " ".join(stages[target].runs)
    from_lock = runs.find(f"--require-hashes -r /wheels/{target}.txt")
    own_wheels = runs.find("--no-deps /wheels/motcua_shared-")
    assert -1 < from_lock < own_wheels, f"{target}: the lock first, then our wheels without deps"

    requirements = exported_requirements(stages, target, tmp_path)
    pinned = dict(re.findall(r"^([a-z0-9][a-z0-9._-]*)==(\S+) \\$", requirements, re.MULTILINE))
    lock = tomllib.loads((REPO / "uv.lock").read_text(encoding="utf-8"))
    locked = {p["name"]: p.get("version") for p in lock["package"]}
    assert pinned and all(locked.get(name) == version for name, version in pinned.items())
    assert requirements.count("--hash=sha256:") >= len(pinned)
    # Runtime only: neither the test extras nor another service's own package.
    assert "pytest" not in pinned and not [name for name in pinned if name.startswith("motcua")]
    service = tomllib.loads(
        (REPO / "services" / target / "pyproject.toml").read_text(encoding="utf-8")
    )
    declared = {
        re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        for requirement in service["project"]["dependencies"]
    } - {"motcua-shared"}
    assert declared <= set(pinned), declared - set(pinned)
