"""What the use cases need from the outside world; adapters/ implements these with MongoDB
and the outbox, tests/unit with in-memory fakes."""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Protocol, TypeVar

from motcua_shared.events import Envelope

from intake.domain.calendar import CalendarOverrides
from intake.domain.catalogue import Procedure, Unit
from intake.domain.dossier import Dossier

T = TypeVar("T")


class DossierTransaction(Protocol):
    """Reads and writes inside one transaction: all of it commits, or none of it."""

    async def get_dossier(self, code: str) -> Dossier | None: ...

    async def insert_dossier(self, dossier: Dossier) -> None: ...

    async def update_dossier(self, dossier: Dossier, expected_version: int) -> None: ...

    async def next_sequence(self, counter: str) -> int: ...

    async def append_event(self, envelope: Envelope[Any]) -> None: ...


class UnitOfWork(Protocol):
    async def run(self, work: Callable[[DossierTransaction], Awaitable[T]]) -> T:
        """Run `work` in one transaction (again from the start on a write conflict, so `work`
        must only depend on what it reads through the transaction); publish after commit."""
        ...


class DossierReader(Protocol):
    async def get(self, code: str) -> Dossier | None: ...


class Catalogue(Protocol):
    async def unit(self, code: str) -> Unit | None: ...

    async def units(self) -> list[Unit]: ...

    async def procedure(self, code: str) -> Procedure | None: ...

    async def procedures(self) -> list[Procedure]: ...

    async def overrides(self, unit_code: str) -> CalendarOverrides: ...

    async def set_overrides(self, unit_code: str, overrides: CalendarOverrides, officer_id: str,
                            at: datetime) -> None: ...


class LookupGuard(Protocol):
    """Counts failed public look-ups per client and per dossier code, so guessing digits is slow
    from one address and from many."""

    async def blocked(self, client: str, code: str, now: datetime) -> int | None:
        """Seconds until a look-up is allowed again, or None when it is allowed now."""

    async def record_failure(self, client: str, code: str, now: datetime) -> None: ...
