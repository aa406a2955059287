"""Intake's settings: the shared connection settings (AMQP_URL, MONGODB_URL, MOTCUA_EXCHANGE,
JWT_SECRET) plus its own, read from INTAKE_* variables."""

from pydantic_settings import SettingsConfigDict

from motcua_shared.settings import CommonSettings

from intake.domain.parts import ClockPolicy


class IntakeSettings(CommonSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore", populate_by_name=True)

    db_name: str = "intake"
    host: str = "127.0.0.1"
    port: int = 8001
    seed_demo: bool = True  # load demo units and procedures at startup (idempotent)
    clock_policy: ClockPolicy = ClockPolicy.RESTART  # supplement during processing: restart|pause
    lookup_max_failures: int = 5  # failed public look-ups per client within the window → 429
    lookup_window_seconds: int = 900
    relay_poll_interval: float = 1.0
    login_max_failures: int = 5  # wrong passwords in a row → the account is locked
    login_lock_minutes: int = 15
    login_token_hours: int = 10  # a working day and a little more
    demo_password: str = "motcua-demo-2026"  # the demo accounts' password (demo data only, SEED_DEMO)
