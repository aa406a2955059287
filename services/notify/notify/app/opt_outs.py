"""Use case: a citizen opts out (at the desk, or by answering the SMS with STOP).

Only a keyed hash (HMAC) of the E.164 number is stored: enough to recognise the number before
every send, not enough to read it back.
"""

import logging

from motcua_shared.vietnam.phones import normalise_phone
from motcua_shared.vietnam.privacy import mask_phone
from motcua_shared.vietnam.timeutil import Clock

from notify.app.ports import OptOutStore
from notify.domain.phone import phone_key

log = logging.getLogger(__name__)


class RecordOptOut:
    def __init__(self, opt_outs: OptOutStore, clock: Clock, *, phone_secret: str) -> None:
        self.opt_outs, self.clock, self.phone_secret = opt_outs, clock, phone_secret

    async def __call__(
        self, raw_phone: str, *, source: str, by: str | None = None
    ) -> tuple[str, bool]:
        """Returns the normalised number and whether it is new. Raises InvalidPhone."""
        phone = normalise_phone(raw_phone)
        created = await self.opt_outs.add(
            phone_key(phone, self.phone_secret), source=source, at=self.clock(), by=by
        )
        log.info(
            "opt-out (%s) for %s: %s",
            source,
            mask_phone(phone),
            "recorded" if created else "already there",
        )
        return phone, created
