"""Phone numbers as the providers and the opt-out list want them; normalisation is shared
(`motcua_shared.vietnam.phones`)."""

import hashlib
import hmac


def provider_phone(e164: str) -> str:
    """Zalo and the SMS gateway want '84912345678': E.164 without the '+'."""
    return e164.removeprefix("+")


def phone_key(e164: str, secret: str) -> str:
    """A keyed hash of the number: opt-outs are found by it, the number itself is not stored."""
    return hmac.new(secret.encode(), e164.encode(), hashlib.sha256).hexdigest()
