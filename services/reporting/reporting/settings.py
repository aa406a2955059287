"""Reporting's settings: the shared connection fields plus REPORTING_* for its own."""

from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from motcua_shared.config.settings import CommonSettings


class ReportingSettings(CommonSettings):
    model_config = SettingsConfigDict(
        env_prefix="REPORTING_", extra="ignore", populate_by_name=True
    )

    db_name: str = "reporting"
    host: str = "127.0.0.1"
    port: int = 8004
    intake_url: str = Field(
        "http://127.0.0.1:8001", description="Intake's base URL (its event log)"
    )
    survey_url: str = Field(
        "http://127.0.0.1:8003", description="Survey's base URL (its event log)"
    )
    api_key_secret: str = Field(
        "motcua-reporting-api-key-dev-secret", description="HMAC key of the stored API-key hashes"
    )
    park_max_age_minutes: float = Field(
        60.0,
        gt=0,
        description="An event parked this long waiting for its predecessor is dead-lettered",
    )
    sweep_interval_seconds: float = Field(
        60.0, gt=0, description="How often parked events are checked"
    )

    SECRET_FIELDS: ClassVar[dict[str, int]] = CommonSettings.SECRET_FIELDS | {"api_key_secret": 32}
