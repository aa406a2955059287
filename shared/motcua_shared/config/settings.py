"""Settings every service shares. Each service subclasses CommonSettings with its own env
prefix for its own fields (INTAKE_PORT, NOTIFY_QUIET_START…); the shared connection fields
are read from unprefixed variables so one value serves every service.

Secrets: `SECRET_FIELDS` names, per settings class, the fields that are secrets and the least
length each must have; a service refuses to start when one still holds its public default or is
too short (motcua_shared.ops.secrets_check), unless MOTCUA_DEV_INSECURE=1 says it is a developer's
machine. `scripts/run.sh` generates them once per installation under `.data/`."""

from typing import ClassVar, TypedDict

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
DEFAULT_MONGODB_URL = "mongodb://127.0.0.1:27017/"


class UvicornProxyOptions(TypedDict):
    """The keyword arguments of uvicorn.run that say whose X-Forwarded-For to believe."""

    proxy_headers: bool
    forwarded_allow_ips: list[str] | None


def _env(name: str) -> AliasChoices:
    return AliasChoices(name, name.lower())


def own_mongodb_url_setting(service: str) -> str:
    """The variable that gives a service its own Mongo server: INTAKE_MONGODB_URL…"""
    return f"{service.upper()}_MONGODB_URL"


def service_mongodb_url(service: str) -> AliasChoices:
    """A service's own Mongo server when it has one, else the shared MONGODB_URL. Each service
    owns its database; the embedded default runs one server per service
    (`motcua_shared.storage.embedded_mongo.service_servers` says why)."""
    return AliasChoices(own_mongodb_url_setting(service), "MONGODB_URL", "mongodb_url")


class RelayOptions(TypedDict):
    """OutboxRelay's lease keywords, as the settings give them."""

    lease_seconds: float
    renew_seconds: float


class CommonSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    amqp_url: str = Field(DEFAULT_AMQP_URL, validation_alias=_env("AMQP_URL"))
    mongodb_url: str = Field(DEFAULT_MONGODB_URL, validation_alias=_env("MONGODB_URL"))
    exchange: str = Field("motcua.events", validation_alias=_env("MOTCUA_EXCHANGE"))
    log_level: str = Field("INFO", validation_alias=_env("LOG_LEVEL"))
    # Public (it is in this repository): a service refuses it unless MOTCUA_DEV_INSECURE=1.
    jwt_secret: str = Field(
        "motcua-dev-secret-change-me-0123456789abcdef", validation_alias=_env("JWT_SECRET")
    )
    jwt_algorithm: str = Field("HS256", validation_alias=_env("JWT_ALGORITHM"))
    jwt_max_hours: float = Field(
        12,
        gt=0,
        validation_alias=_env("JWT_MAX_HOURS"),
        description="Longest lifetime (exp - iat) of a bearer token a service accepts",
    )
    units_url: str = Field(
        "http://127.0.0.1:8001/api/v1/units",
        validation_alias=_env("MOTCUA_UNITS_URL"),
        description="Intake's unit list: a token whose unit is not in it is refused "
        "(empty: no check)",
    )
    trusted_proxies: str = Field(
        "",
        validation_alias=_env("TRUSTED_PROXIES"),
        description="Comma-separated proxy addresses whose X-Forwarded-For is believed (none by "
        "default)",
    )
    dev_insecure: bool = Field(
        False,
        validation_alias=_env("MOTCUA_DEV_INSECURE"),
        description="Developer machine: start even with public default or short secrets (logged)",
    )

    SECRET_FIELDS: ClassVar[dict[str, int]] = {"jwt_secret": 32}

    def uvicorn_proxy_options(self) -> UvicornProxyOptions:
        """uvicorn believes X-Forwarded-For only from the configured proxies; with none it uses
        the connection's address (uvicorn's own default trusts 127.0.0.1)."""
        proxies = [p.strip() for p in self.trusted_proxies.split(",") if p.strip()]
        return {"proxy_headers": bool(proxies), "forwarded_allow_ips": proxies or None}

    metrics_refresh_seconds: float = Field(
        15.0,
        gt=0,
        validation_alias=_env("METRICS_REFRESH_SECONDS"),
        description="How often gauges that need a query (backlogs, queue depth) are refreshed",
    )
    relay_lease_seconds: float = Field(
        5.0,
        gt=0,
        validation_alias=_env("RELAY_LEASE_SECONDS"),
        description="How long the outbox relay's lease lasts unrenewed: a standby takes over "
        "after it",
    )
    relay_renew_seconds: float = Field(
        1.5,
        gt=0,
        validation_alias=_env("RELAY_RENEW_SECONDS"),
        description="How often the relay holding the lease renews it and a standby looks at it "
        "(under half of the lease, less a fifth of it)",
    )

    def relay_options(self) -> RelayOptions:
        """OutboxRelay's lease settings (relay_lease.py)."""
        return {
            "lease_seconds": self.relay_lease_seconds,
            "renew_seconds": self.relay_renew_seconds,
        }

    consumer_prefetch: int = Field(
        200,
        ge=1,
        validation_alias=_env("CONSUMER_PREFETCH"),
        description="Unacknowledged events a consumer holds at once (RabbitMQ prefetch)",
    )
    consumer_batch_max: int = Field(
        100,
        ge=1,
        validation_alias=_env("CONSUMER_BATCH_MAX"),
        description="Most events a consumer handles in one transaction",
    )
    consumer_batch_wait_ms: float = Field(
        50.0,
        ge=0,
        validation_alias=_env("CONSUMER_BATCH_WAIT_MS"),
        description="How long a batch already flowing may wait to fill; a lone event goes at once",
    )
    partitions: int = Field(
        1,
        ge=1,
        le=256,
        validation_alias=_env("MOTCUA_PARTITIONS"),
        description="K: partition queues per ordered consumer (notify, reporting); the same in "
        "every process; 1 = one queue each (README, 'Changing MOTCUA_PARTITIONS')",
    )
    consumer_rebalance_seconds: float = Field(
        10.0,
        gt=0,
        validation_alias=_env("CONSUMER_REBALANCE_SECONDS"),
        description="How often a replica checks it is active on no more than its share of "
        "partitions",
    )
