"""Survey's settings: the shared connection fields plus SURVEY_* for its own."""

from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from motcua_shared.config.settings import (
    DEFAULT_MONGODB_URL,
    CommonSettings,
    service_mongodb_url,
)


class SurveySettings(CommonSettings):
    model_config = SettingsConfigDict(env_prefix="SURVEY_", extra="ignore", populate_by_name=True)

    mongodb_url: str = Field(DEFAULT_MONGODB_URL, validation_alias=service_mongodb_url("survey"))
    db_name: str = "survey"
    host: str = "127.0.0.1"
    port: int = 8003
    public_url: str = Field(
        "http://127.0.0.1:8003", description="Base of the links sent to citizens"
    )
    expiry_days: int = Field(7, ge=1, description="How long a survey link stays open")
    excluded_procedures: str = Field(
        "", description="Comma-separated procedure codes never surveyed"
    )
    suggestion_limit: int = Field(5, ge=1, description="Suggestions one client may send per window")
    suggestion_window_minutes: int = Field(10, ge=1)
    rate_limit_secret: str = Field(
        "motcua-survey-rate-limit-dev-secret", description="Keys the hash of client addresses"
    )
    feedback_due_working_days: int = Field(
        10,
        ge=1,
        le=60,
        description="Working days a unit has to answer a follow-up (phản ánh, kiến nghị)",
    )

    SECRET_FIELDS: ClassVar[dict[str, int]] = CommonSettings.SECRET_FIELDS | {
        "rate_limit_secret": 32
    }

    @property
    def excluded_procedure_codes(self) -> frozenset[str]:
        return frozenset(
            code.strip() for code in self.excluded_procedures.split(",") if code.strip()
        )
