"""What the use cases need from the outside world; adapters/ implements these with MongoDB
and the outbox, tests/unit with in-memory fakes."""

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

from motcua_shared.contract.dossier_events import OfficerContact
from motcua_shared.contract.envelope import Envelope

from intake.domain.calendar import CalendarOverrides
from intake.domain.catalogue import Procedure, Unit
from intake.domain.dossier import Dossier
from intake.domain.worklists import ListFilter

T = TypeVar("T")


class DossierTransaction(Protocol):
    """Reads and writes inside one transaction: all of it commits, or none of it."""

    async def get_dossier(self, code: str) -> Dossier | None: ...

    async def insert_dossiers(self, dossiers: Sequence[Dossier]) -> None: ...

    async def update_dossier(self, dossier: Dossier, expected_version: int) -> None: ...

    async def next_sequence(self, counter: str, count: int = 1) -> int:
        """Move the counter on by `count`; the last number taken (the first is last - count + 1)."""
        ...

    async def append_events(self, envelopes: Sequence[Envelope[Any]]) -> None: ...

    async def record_payment(self, payment: dict[str, Any]) -> bool:
        """Keep a gateway payment (key `transaction`); False if that transaction is already kept."""
        ...


class UnitOfWork(Protocol):
    async def run(self, work: Callable[[DossierTransaction], Awaitable[T]]) -> T:
        """Run `work` in one transaction (again from the start on a write conflict, so `work`
        must only depend on what it reads through the transaction); publish after commit."""
        ...


class DossierReader(Protocol):
    async def get(self, code: str) -> Dossier | None: ...


class WorkLists(Protocol):
    """The desk's lists of a unit's dossiers (domain/worklists.py), at most `limit` rows."""

    async def find(self, spec: ListFilter, limit: int = ...) -> list[Dossier]: ...

    async def search(
        self, unit: str, code: str | None, phone: str | None, limit: int = ...
    ) -> list[Dossier]: ...


class Catalogue(Protocol):
    async def unit(self, code: str) -> Unit | None: ...

    async def units(self) -> list[Unit]: ...

    async def procedure(self, code: str) -> Procedure | None: ...

    async def procedures(self) -> list[Procedure]: ...

    async def overrides(self, unit_code: str) -> CalendarOverrides: ...

    async def set_overrides(
        self, unit_code: str, overrides: CalendarOverrides, officer_id: str, at: datetime
    ) -> None: ...


class LookupGuard(Protocol):
    """Counts failed public look-ups per client and per dossier code, so guessing digits is slow
    from one address and from many."""

    async def blocked(self, client: str, code: str, now: datetime) -> int | None:
        """Seconds until a look-up is allowed again, or None when it is allowed now."""

    async def record_failure(self, client: str, code: str, now: datetime) -> None: ...


class OfficerDirectory(Protocol):
    """Officers' contacts (the `officers` accounts): the one holding a dossier and, when asked,
    the unit's leaders; disabled accounts never."""

    async def contacts(
        self, unit_code: str, holder_id: str | None, *, leaders: bool
    ) -> list[OfficerContact]: ...


class NoOfficers:
    """No directory wired: deadline events still fire, naming nobody to tell."""

    async def contacts(
        self, unit_code: str, holder_id: str | None, *, leaders: bool
    ) -> list[OfficerContact]:
        return []


class DeadlineIndex(Protocol):
    async def due(self, now: datetime, limit: int) -> list[str]:
        """Codes of dossiers whose next alarm is due by `now`, earliest first, at most `limit`."""
        ...

    async def unplanned(self, limit: int) -> list[str]:
        """Codes of open dossiers stored before deadlines existed (no `next_deadline_at` at all)."""
        ...


class StepHistory(Protocol):
    """Per procedure and step, the working days from entering the step to the resolution of the
    dossiers resolved lately (domain/at_risk.py)."""

    async def samples(self, procedure_code: str, step: str) -> list[int]: ...

    async def record(self, procedure_code: str, samples: dict[str, list[int]]) -> None: ...


class NoStepHistory:
    async def samples(self, procedure_code: str, step: str) -> list[int]:
        return []

    async def record(self, procedure_code: str, samples: dict[str, list[int]]) -> None:
        return None


class FileStore(Protocol):
    """The bytes of digitised files (GridFS); the dossier keeps the Attachment."""

    async def put(
        self, data: bytes, name: str, content_type: str, metadata: dict[str, str]
    ) -> str: ...

    async def get(self, file_id: str) -> bytes | None: ...

    async def delete(self, file_id: str) -> None: ...


class AccessAudit(Protocol):
    """Reads of a citizen's files and personal fields: who, what, when."""

    async def record(self, dossier_code: str, who: str, what: str, at: datetime) -> None: ...

    async def list(self, dossier_code: str, limit: int = 100) -> list[dict[str, Any]]: ...


class CitizenDossiers(Protocol):
    async def with_papers_of(self, cccd: str, exclude: str) -> list[Dossier]:
        """Other dossiers of the citizen with this CCCD that hold digitised papers."""
        ...


class Counter(Protocol):
    async def increment(self, key: dict[str, str]) -> None: ...

    async def totals(self) -> list[dict[str, Any]]: ...


class Tampered(Exception):
    """A token not signed by any of this deployment's keys, or altered."""


class Expired(Exception):
    """A token signed by us, but older than allowed."""


class Signer(Protocol):
    """Short signed tokens (adapters/signing.py); unsign raises Tampered / Expired."""

    def sign(self, value: Any) -> str: ...

    def unsign(self, token: str) -> Any: ...

    def sign_timed(self, value: Any) -> str: ...

    def unsign_timed(self, token: str, max_age: int) -> Any: ...


class PaymentGateway(Protocol):
    def payment_url(self, txn_ref: str, amount_vnd: int, order_info: str, at: datetime) -> str: ...

    def verify(self, params: dict[str, str]) -> bool: ...


class PaymentBook(Protocol):
    async def list(self, unit_code: str, status: str | None) -> list[dict[str, Any]]: ...
