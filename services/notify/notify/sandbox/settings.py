"""The sandbox gateway's settings (env prefix NOTIFY_SANDBOX_). Its credentials default to the
ones notify's defaults use, so the embedded run works without configuration."""

from pydantic_settings import BaseSettings, SettingsConfigDict

from notify import settings as notify_defaults


class SandboxSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="NOTIFY_SANDBOX_", extra="ignore", populate_by_name=True
    )

    host: str = "127.0.0.1"
    port: int = 8010
    notify_url: str = "http://127.0.0.1:8002"  # where delivery receipts and STOP answers go
    auto_receipts: bool = True  # call notify's webhooks back a little after accepting a message
    receipt_delay_seconds: float = 3.0

    zalo_app_id: str = notify_defaults.SANDBOX_ZALO_APP_ID
    zalo_secret_key: str = notify_defaults.SANDBOX_ZALO_SECRET_KEY
    zalo_oa_secret_key: str = notify_defaults.SANDBOX_ZALO_OA_SECRET_KEY
    access_token_ttl_seconds: int = 90000  # what Zalo's OAuth v4 answers
    sms_username: str = notify_defaults.SANDBOX_SMS_USERNAME
    sms_password: str = notify_defaults.SANDBOX_SMS_PASSWORD
    webhook_token: str = notify_defaults.SANDBOX_WEBHOOK_TOKEN
    email_api_key: str = notify_defaults.SANDBOX_EMAIL_API_KEY
