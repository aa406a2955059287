"""The citizen's progress look-up by code and the last four digits of the phone.

A wrong code and wrong digits are the same answer (NotFound), so the look-up tells nothing
about which codes exist. Failures are counted per client and per code and, past either limit,
refused: 5 per address in 15 min stops one guesser; 10 per code in an hour stops many addresses
sharing the 10,000 possible digits (about three weeks for an even chance). A request without
digits (someone opening a link) is answered the same but is no guess, so it is not counted.
Circular 03/2025/TT-VPCP (the citizen looks up progress by the dossier code)."""

import hashlib

from intake.app.context import IntakeApp
from intake.domain.dossier import Dossier
from intake.domain.errors import NotFound


class TooManyAttempts(Exception):
    """The client, or guesses at this code, failed too often; allowed again after
    `retry_after` s."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def client_key(address: str) -> str:
    # Kept only for the window (TTL), and hashed: an IP address is personal data too.
    return hashlib.sha256(address.encode()).hexdigest()[:32]


async def look_up(
    app: IntakeApp, client_address: str, code: str, phone_last4: str | None
) -> Dossier:
    now = app.clock()
    client, code_key = client_key(client_address), client_key(code)
    if (retry_after := await app.lookup_guard.blocked(client, code_key, now)) is not None:
        raise TooManyAttempts(retry_after)
    if not phone_last4:
        raise NotFound("dossier", code)  # not a guess: no digits given
    dossier = await app.dossiers.get(code)
    phone = dossier.citizen.phone if dossier else None
    if dossier is None or not phone or len(phone_last4) != 4 or not phone.endswith(phone_last4):
        await app.lookup_guard.record_failure(client, code_key, now)
        raise NotFound("dossier", code)
    return dossier
