"""Notify's settings (env prefix NOTIFY_). The defaults run against the local sandbox gateway
(`notify-sandbox`, port 8010); a deployment sets the real Zalo and SMS gateway values
(deploy/motcua.env.example)."""

from datetime import time
from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from motcua_shared.config.settings import (
    DEFAULT_MONGODB_URL,
    CommonSettings,
    service_mongodb_url,
)

SANDBOX_URL = "http://127.0.0.1:8010"
# Credentials the sandbox accepts by default; never real ones.
SANDBOX_ZALO_APP_ID = "sandbox-app"
SANDBOX_ZALO_SECRET_KEY = "sandbox-secret-key"
SANDBOX_ZALO_OA_SECRET_KEY = "sandbox-oa-secret-key"
SANDBOX_ZALO_REFRESH_TOKEN = "sandbox-refresh-token"
SANDBOX_SMS_USERNAME = "motcua"
SANDBOX_SMS_PASSWORD = "sandbox-password"
SANDBOX_WEBHOOK_TOKEN = "sandbox-webhook-token"
SANDBOX_EMAIL_API_KEY = "sandbox-email-key"


class NotifySettings(CommonSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFY_", extra="ignore", populate_by_name=True)

    host: str = "127.0.0.1"
    port: int = 8002
    mongodb_url: str = Field(DEFAULT_MONGODB_URL, validation_alias=service_mongodb_url("notify"))
    db_name: str = "notify"

    lookup_url: str = Field(
        "http://127.0.0.1:8005/tra-cuu",
        description="The citizen look-up page (desk app); a message links to {lookup_url}/{code}",
    )
    quiet_start: time = time(21, 0)
    quiet_end: time = time(7, 0)
    timezone: str = "Asia/Ho_Chi_Minh"
    message_ttl_days: int = Field(
        90, ge=1, description="The message log (with phones) is deleted after"
    )
    phone_hmac_key: str = Field(
        "motcua-dev-phone-key-change-me",
        description="Key of the HMAC that identifies opted-out phones",
    )

    zalo_enabled: bool = True
    zalo_base_url: str = SANDBOX_URL  # production: https://business.openapi.zalo.me
    zalo_oauth_url: str = SANDBOX_URL  # production: https://oauth.zaloapp.com
    zalo_app_id: str = SANDBOX_ZALO_APP_ID
    zalo_secret_key: str = SANDBOX_ZALO_SECRET_KEY
    zalo_access_token: str = ""  # optional first token; refreshed with the refresh token
    zalo_refresh_token: str = SANDBOX_ZALO_REFRESH_TOKEN
    zalo_oa_secret_key: str = Field(
        SANDBOX_ZALO_OA_SECRET_KEY, description="Verifies Zalo's webhook signature"
    )
    zns_template_ids: dict[str, str] = Field(
        default_factory=dict, description='Per kind, the ids Zalo gave: {"received": "312345"}'
    )

    sms_url: str = SANDBOX_URL + "/sms/send"
    sms_brandname: str = "MOTCUA"
    sms_username: str = SANDBOX_SMS_USERNAME
    sms_password: str = SANDBOX_SMS_PASSWORD
    sms_gateway_dedupes: bool = Field(True, description="The gateway ignores a repeated request_id")
    webhook_token: str = Field(
        SANDBOX_WEBHOOK_TOKEN, description="?token= on the SMS gateway's callbacks"
    )
    webhook_max_bytes: int = Field(
        65536, ge=1024, description="Largest webhook body accepted (413 beyond)"
    )

    # Officer channel (deadline alerts): a transactional e-mail HTTP API.
    email_url: str = SANDBOX_URL + "/email/send"
    email_api_key: str = SANDBOX_EMAIL_API_KEY
    email_sender: str = "motcua@localhost"

    http_timeout_seconds: float = 10.0
    zalo_max_attempts: int = 3
    sms_max_attempts: int = 5
    retry_base_seconds: float = 30.0
    retry_max_seconds: float = 1800.0
    dispatch_interval_seconds: float = 1.0
    claim_lease_seconds: float = Field(120.0, description="Longer than any provider call can take")
    claim_batch_size: int = Field(
        100, ge=1, description="Due messages claimed at once by the dispatcher"
    )
    dispatch_lanes: int = Field(
        2,
        ge=1,
        description="Batches in flight at once: one is claimed while another is sent and recorded",
    )
    zalo_concurrency: int = Field(16, ge=1, description="Zalo ZNS calls in flight at once")
    sms_concurrency: int = Field(8, ge=1, description="SMS gateway calls in flight at once")

    # Event order (issue 15): an event ahead of its predecessor waits, bounded.
    hold_max_minutes: float = Field(
        60.0,
        gt=0,
        description="A gap open this long is given up: what waited behind it goes to the DLQ",
    )
    hold_max_events: int = Field(
        50, ge=1, description="Events one dossier may hold behind a gap; the next goes to the DLQ"
    )
    hold_sweep_seconds: float = Field(
        60.0, gt=0, description="How often expired gaps are looked for"
    )
    order_keep_days: int = Field(
        730, ge=1, description="A dossier's event order is kept this long after its last event"
    )

    # Zalo's OA secret key is Zalo's to choose (no length rule); the sandbox one is public.
    SECRET_FIELDS: ClassVar[dict[str, int]] = CommonSettings.SECRET_FIELDS | {
        "webhook_token": 32,
        "phone_hmac_key": 32,
        "zalo_oa_secret_key": 1,
    }
