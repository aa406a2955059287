"""The citizen's progress look-up by code and the last four digits of the phone.

A wrong code and wrong digits are the same answer (NotFound), so the look-up tells nothing
about which codes exist; failures per client are counted and, past the limit, refused."""

import hashlib

from intake.app.context import IntakeApp
from intake.domain.dossier import Dossier
from intake.domain.errors import NotFound


class TooManyAttempts(Exception):
    """The client failed too often within the window."""


def client_key(address: str) -> str:
    # Kept only for the window (TTL), and hashed: an IP address is personal data too.
    return hashlib.sha256(address.encode()).hexdigest()[:32]


async def look_up(app: IntakeApp, client_address: str, code: str, phone_last4: str | None) -> Dossier:
    now = app.clock()
    client = client_key(client_address)
    if await app.lookup_guard.blocked(client, now):
        raise TooManyAttempts()
    dossier = await app.dossiers.get(code)
    phone = dossier.citizen.phone if dossier else None
    if dossier is None or not phone or not phone_last4 or len(phone_last4) != 4 or not phone.endswith(phone_last4):
        await app.lookup_guard.record_failure(client, now)
        raise NotFound("dossier", code)
    return dossier
