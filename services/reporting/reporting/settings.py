"""Reporting's settings: the shared connection fields plus REPORTING_* for its own."""

from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from motcua_shared.config.settings import (
    DEFAULT_MONGODB_URL,
    CommonSettings,
    service_mongodb_url,
)


class ReportingSettings(CommonSettings):
    model_config = SettingsConfigDict(
        env_prefix="REPORTING_", extra="ignore", populate_by_name=True
    )

    mongodb_url: str = Field(DEFAULT_MONGODB_URL, validation_alias=service_mongodb_url("reporting"))
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

    # Reporting's own batch defaults (same variables as every consumer's): a batch of 200 merges
    # twice the counter increments per document of 100, and the projector's rate on SecantusDB
    # rose from ~800 to ~1,400 events/s (README, Benchmark). A lone event still goes at once.
    consumer_prefetch: int = Field(
        400,
        ge=1,
        validation_alias=CommonSettings.model_fields["consumer_prefetch"].validation_alias,
        description="Unacknowledged events reporting holds at once (RabbitMQ prefetch)",
    )
    consumer_batch_max: int = Field(
        200,
        ge=1,
        validation_alias=CommonSettings.model_fields["consumer_batch_max"].validation_alias,
        description="Most events reporting projects in one transaction",
    )

    SECRET_FIELDS: ClassVar[dict[str, int]] = CommonSettings.SECRET_FIELDS | {"api_key_secret": 32}
