"""Intake's settings: the shared connection settings (AMQP_URL, MONGODB_URL, MOTCUA_EXCHANGE,
JWT_SECRET) plus its own, read from INTAKE_* variables."""

from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from motcua_shared.config.settings import (
    DEFAULT_MONGODB_URL,
    CommonSettings,
    service_mongodb_url,
)

from intake.domain.dossier_parts import ClockPolicy


class IntakeSettings(CommonSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore", populate_by_name=True)
    SECRET_FIELDS: ClassVar[dict[str, int]] = CommonSettings.SECRET_FIELDS | {"payment_secret": 32}

    mongodb_url: str = Field(DEFAULT_MONGODB_URL, validation_alias=service_mongodb_url("intake"))
    db_name: str = "intake"
    host: str = "127.0.0.1"
    port: int = 8001
    seed_demo: bool = True  # load demo units and procedures at startup (idempotent)
    clock_policy: ClockPolicy = ClockPolicy.RESTART  # supplement during processing: restart|pause
    lookup_max_failures: int = 5  # failed public look-ups per client within the window → 429
    lookup_window_seconds: int = 900
    lookup_code_max_failures: int = 10  # failed look-ups of one dossier code, from any client → 429
    lookup_code_window_seconds: int = 3600
    # The relay holding the outbox's lease polls this often: commits on other replicas do not
    # wake it.
    relay_poll_interval: float = 0.25
    apology_lead_working_days: int = (
        1  # the apology at the latest 1 working day before the due date
    )
    apology_max_extensions: int = 1  # a new date at most once
    due_soon_working_days: int = 2  # dossier.due_soon this many working days before the due date
    deadline_poll_interval: float = 5.0  # seconds between deadline scheduler ticks
    # How often a replica asks whether the catalogue (units, procedures, calendar overrides)
    # changed on another replica (adapters/mongo_catalogue.py): the staleness bound of its cache.
    catalogue_check_seconds: float = 0.5

    # Digitised papers and results (domain/files.py)
    max_file_bytes: int = 10 * 1024 * 1024  # one scan
    max_dossier_bytes: int = 50 * 1024 * 1024  # every file of one dossier together
    result_download_days: int = (
        30  # the citizen may download a returned result this long after its return
    )
    download_link_seconds: int = 900  # a look-up's download link works this long
    public_url: str = (
        "http://127.0.0.1:8001"  # how citizens' browsers reach intake (links, QR codes)
    )
    # Verification tokens (QR codes on slips and results): "kid:secret,kid2:secret2"; the first
    # signs, all verify (rotation). Empty: a development key derived from JWT_SECRET while
    # PUBLIC_URL is loopback; with any other PUBLIC_URL intake refuses to start.
    verify_keys: str = ""
    # The payment gateway (VNPay-shaped; the sandbox at 8011 by default: development only).
    payment_gateway_url: str = "http://127.0.0.1:8011/paymentv2/vpcpay.html"
    payment_tmn_code: str = "MOTCUA01"
    payment_secret: str = "motcua-dev-sandbox-payment-secret"
    login_max_failures: int = 5  # wrong passwords in a row → the account is locked
    login_lock_minutes: int = 15
    login_token_hours: int = 10  # a working day and a little more
    demo_password: str = (
        "motcua-demo-2026"  # the demo accounts' password (demo data only, SEED_DEMO)
    )
