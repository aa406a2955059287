"""deploy/Dockerfile: one target per service, each running its own console script on its port."""

import tomllib


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
