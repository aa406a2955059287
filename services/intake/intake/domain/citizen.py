"""The citizen on a dossier, and the checks of their identifiers (Decree 13/2023: collect only
what the purpose needs). This data never leaves intake's database; events carry `contact`."""

import re

from pydantic import BaseModel, ConfigDict

from motcua_shared.contract.event_base import CitizenContact, MessageChannel
from motcua_shared.vietnam import phones

from intake.domain.errors import RuleViolation

_CCCD = re.compile(r"^\d{12}$")


class Citizen(BaseModel):
    model_config = ConfigDict(frozen=True)

    full_name: str
    cccd: str | None = None
    phone: str | None = None  # E.164
    address: str | None = None  # needed for home service
    consent: bool = False  # agreed to receive messages
    preferred_channel: MessageChannel = MessageChannel.ZALO

    def contact(self) -> CitizenContact:
        return CitizenContact(
            phone=self.phone, consent=self.consent, preferred_channel=self.preferred_channel
        )


def normalise_phone(raw: str) -> str:
    """'0912 345 678', '+84 912…', '84912…', old '0168…' → E.164 '+84…'; else RuleViolation.
    A landline is accepted: it is the citizen's contact number, not only a message target."""
    try:
        return phones.normalise_phone(raw, mobile_only=False)
    except phones.InvalidPhone:
        raise RuleViolation(
            "phone", "Số điện thoại không hợp lệ", "Not a valid Vietnamese phone number"
        ) from None


def check_cccd(raw: str) -> str:
    if not _CCCD.match(raw):
        raise RuleViolation(
            "cccd", "Số CCCD phải gồm đúng 12 chữ số", "CCCD must be exactly 12 digits"
        )
    return raw


def require_address(citizen: Citizen) -> None:
    """Home service (receiving papers or returning the result at home) needs an address."""
    if not citizen.address:
        raise RuleViolation(
            "citizen.address",
            "Phục vụ tại nhà cần địa chỉ của công dân",
            "Home service needs the citizen's address",
        )
