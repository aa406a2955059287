"""The desk's settings: the shared ones (JWT_SECRET to read the session's token, LOG_LEVEL) plus
its own, read from DESK_* variables: where intake, reporting and survey answer, and the public
address printed in QR codes."""

from pydantic_settings import SettingsConfigDict

from motcua_shared.config.settings import CommonSettings


class DeskSettings(CommonSettings):
    model_config = SettingsConfigDict(env_prefix="DESK_", extra="ignore", populate_by_name=True)

    host: str = "127.0.0.1"
    port: int = 8005
    intake_url: str = "http://127.0.0.1:8001"
    reporting_url: str = "http://127.0.0.1:8004"
    survey_url: str = "http://127.0.0.1:8003"
    public_url: str = (
        "http://127.0.0.1:8005"  # printed in the slips' QR codes: {public_url}/tra-cuu/{code}
    )
    cookie_secure: bool = False  # true behind HTTPS (production)
    http_timeout_seconds: float = 15.0
    # The front-end files' node_modules (htmx, Chart.js); empty: services/desk/node_modules, where
    # scripts/install.sh puts them. The image sets its own (deploy/Dockerfile).
    assets_dir: str = ""
