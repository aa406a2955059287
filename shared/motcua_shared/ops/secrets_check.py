"""Refuse to start on a public or weak secret.

Every default secret is in this public repository, so with it anyone can mint a `system` token,
forge a STOP or reverse a phone hash. A service calls `refuse_weak_secrets` before it serves:
a secret equal to its default, containing an example marker, or shorter than its least length
stops the process with one clear log line, unless MOTCUA_DEV_INSECURE=1 (a developer's machine),
which is logged as one warning line. Decree 13/2023/NĐ-CP art. 26 (measures protecting personal
data) and Decree 118/2025/NĐ-CP (one-stop systems operated securely).
"""

import logging

from motcua_shared.config.settings import CommonSettings

log = logging.getLogger("motcua.secrets")
EXAMPLE_MARKERS = ("change-me", "example", "sandbox-")


def weak_secrets(settings: CommonSettings) -> list[str]:
    """The env names of the secrets that are public defaults or too short."""
    weak = []
    for name, least in type(settings).SECRET_FIELDS.items():
        value = getattr(settings, name)
        field = type(settings).model_fields[name]
        public = value == field.default or any(m in value.lower() for m in EXAMPLE_MARKERS)
        if public or len(value) < least:
            weak.append(_env_name(settings, name))
    return weak


def refuse_weak_secrets(settings: CommonSettings, service: str) -> None:
    weak = weak_secrets(settings)
    if not weak:
        return
    names = ", ".join(weak)
    if settings.dev_insecure:
        log.warning(
            "%s: MOTCUA_DEV_INSECURE=1, starting with public or short secrets (%s): never "
            "in production",
            service,
            names,
        )
        return
    log.critical(
        "%s refuses to start: %s hold a public default or fewer than 32 characters; set "
        "strong random "
        "values (scripts/run.sh generates them) or MOTCUA_DEV_INSECURE=1 on a developer's machine",
        service,
        names,
    )
    raise SystemExit(2)


def _env_name(settings: CommonSettings, field: str) -> str:
    alias = type(settings).model_fields[field].validation_alias
    if alias is not None:
        return str(alias.choices[0])  # type: ignore[union-attr]
    return (settings.model_config.get("env_prefix") or "").upper() + field.upper()
