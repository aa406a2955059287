"""A note in the suggestion box (hòm thư góp ý, seed 003): anonymous unless the writer
leaves a contact."""

from dataclasses import dataclass
from datetime import datetime

TEXT_MAX_LENGTH = 2000
OFFICER_MAX_LENGTH = 100
CONTACT_MAX_LENGTH = 200


@dataclass(frozen=True)
class Suggestion:
    suggestion_id: str
    unit_code: str
    text: str
    officer: str | None  # the officer it is about, as the citizen names them
    contact: str | None  # only if the citizen wants an answer
    submitted_at: datetime
