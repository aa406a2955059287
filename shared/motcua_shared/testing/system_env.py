"""The environment of one whole-system run: its own exchange, databases, ports and strong
secrets, the sandboxes in place of Zalo, the SMS gateway and the payment gateway, and libfaketime
for a run whose clock a test moves (`system.py` starts the processes with it).

Why secrets per run: the services refuse to start on their public defaults (issue 14), as
scripts/run.sh generates them per installation.
"""

import os
import secrets
from pathlib import Path

CLOCK_FILE = "clock-offset"  # in the run's log folder: libfaketime's offset, e.g. "-2592000"


def faketime_env(offset_file: Path) -> dict[str, str]:
    """libfaketime preloaded into every process, its offset read from `offset_file` (re-read at
    most every second). Monotonic clocks stay real: asyncio timers and leases measured with
    them never jump."""
    import libfaketime

    _, preload = libfaketime.get_reload_information()
    return {
        "LD_LIBRARY_PATH": preload["LD_LIBRARY_PATH"],
        "LD_PRELOAD": preload["LD_PRELOAD"],
        "DONT_FAKE_MONOTONIC": "1",
        "FAKETIME_FORCE_MONOTONIC_FIX": "0",
        "FAKETIME_TIMESTAMP_FILE": str(offset_file),
        "FAKETIME_CACHE_DURATION": "1",
    }


def run_secrets() -> dict[str, str]:
    """Strong random secrets for one run, as scripts/run.sh makes per installation: the services
    refuse to start on their public defaults."""
    webhook, oa_key, payment = (
        secrets.token_urlsafe(32),
        secrets.token_urlsafe(32),
        secrets.token_urlsafe(32),
    )
    return {
        "JWT_SECRET": secrets.token_urlsafe(32),
        "NOTIFY_PHONE_HMAC_KEY": secrets.token_urlsafe(32),
        "NOTIFY_WEBHOOK_TOKEN": webhook,
        "NOTIFY_SANDBOX_WEBHOOK_TOKEN": webhook,
        "NOTIFY_ZALO_OA_SECRET_KEY": oa_key,
        "NOTIFY_SANDBOX_ZALO_OA_SECRET_KEY": oa_key,
        "SURVEY_RATE_LIMIT_SECRET": secrets.token_urlsafe(32),
        "REPORTING_API_KEY_SECRET": secrets.token_urlsafe(32),
        "INTAKE_PAYMENT_SECRET": payment,
        "PAYMENT_SANDBOX_SECRET": payment,
        "INTAKE_VERIFY_KEYS": "k1:" + secrets.token_urlsafe(32),
    }


def system_env(
    amqp_url: str, mongodb_url: str, run_id: str, ports: dict[str, int]
) -> dict[str, str]:
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    return (
        os.environ
        | run_secrets()
        | {
            "AMQP_URL": amqp_url,
            "MONGODB_URL": mongodb_url,
            "MOTCUA_UNITS_URL": urls["intake"] + "/api/v1/units",
            "MOTCUA_EXCHANGE": f"sys-{run_id}",
            "LOG_LEVEL": "WARNING",
            "INTAKE_PORT": str(ports["intake"]),
            "INTAKE_DB_NAME": f"sys_{run_id}_intake",
            "NOTIFY_PORT": str(ports["notify"]),
            "NOTIFY_DB_NAME": f"sys_{run_id}_notify",
            "NOTIFY_ZALO_BASE_URL": urls["sandbox"],
            "NOTIFY_ZALO_OAUTH_URL": urls["sandbox"],
            "NOTIFY_SMS_URL": urls["sandbox"] + "/sms/send",
            "NOTIFY_EMAIL_URL": urls["sandbox"] + "/email/send",
            # A run must not wait for morning when CI runs at night in Vietnam.
            "NOTIFY_QUIET_START": "00:00",
            "NOTIFY_QUIET_END": "00:00",
            "NOTIFY_SANDBOX_PORT": str(ports["sandbox"]),
            "NOTIFY_SANDBOX_NOTIFY_URL": urls["notify"],
            "NOTIFY_SANDBOX_RECEIPT_DELAY_SECONDS": "0.2",
            "SURVEY_PORT": str(ports["survey"]),
            "SURVEY_DB_NAME": f"sys_{run_id}_survey",
            "SURVEY_PUBLIC_URL": urls["survey"],
            "REPORTING_PORT": str(ports["reporting"]),
            "REPORTING_DB_NAME": f"sys_{run_id}_reporting",
            "REPORTING_INTAKE_URL": urls["intake"],
            "REPORTING_SURVEY_URL": urls["survey"],
            # Links and the payment gateway sandbox.
            "INTAKE_PUBLIC_URL": urls["intake"],
            "INTAKE_PAYMENT_GATEWAY_URL": urls["payments"] + "/paymentv2/vpcpay.html",
            "PAYMENT_SANDBOX_PORT": str(ports["payments"]),
            "PAYMENT_SANDBOX_IPN_URL": urls["intake"] + "/api/v1/payments/vnpay-ipn",
            "DESK_PORT": str(ports["desk"]),
            "DESK_PUBLIC_URL": urls["desk"],
            "DESK_INTAKE_URL": urls["intake"],
            "DESK_REPORTING_URL": urls["reporting"],
            "DESK_SURVEY_URL": urls["survey"],
        }
    )
