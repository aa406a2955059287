"""What every use case gets: the ports, the clock and the unit's settings."""

import asyncio
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from motcua_shared.timeutil import utcnow

from intake.app.ports import (
    Catalogue, DeadlineIndex, DossierReader, LookupGuard, NoOfficers, NoStepHistory, OfficerDirectory, StepHistory,
    UnitOfWork,
)
from intake.domain.deadlines import DeadlineRule
from intake.domain.parts import ApologyRule, ClockPolicy


def now_ms() -> datetime:
    """Now, to the millisecond: what MongoDB keeps, so an event built before the write and
    one built from the stored dossier carry the same times."""
    now = utcnow()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


@dataclass(frozen=True)
class Actor:
    """The officer acting (the token's `sub`) and the unit it belongs to."""

    officer_id: str
    unit_code: str


class ReceiptQueue:
    """Receipts of one unit share a daily counter document, so concurrent transactions on it
    conflict and are retried again and again. Queuing them per unit in this process leaves
    retries to what two replicas do at the same instant; the transaction alone still keeps
    codes unique and gap-free."""

    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def turn(self, unit_code: str) -> asyncio.Lock:
        lock = self._locks.get(unit_code)
        if lock is None:
            lock = self._locks[unit_code] = asyncio.Lock()
        return lock


@dataclass
class IntakeApp:
    uow: UnitOfWork
    dossiers: DossierReader
    catalogue: Catalogue
    lookup_guard: LookupGuard
    clock_policy: ClockPolicy = ClockPolicy.RESTART
    apology_rule: ApologyRule = field(default_factory=ApologyRule)
    deadline_rule: DeadlineRule = field(default_factory=DeadlineRule)
    officers: OfficerDirectory = field(default_factory=NoOfficers)
    deadlines: DeadlineIndex | None = None
    step_history: StepHistory = field(default_factory=NoStepHistory)
    clock: Callable[[], datetime] = field(default=now_ms)
    receipt_queue: ReceiptQueue = field(default_factory=ReceiptQueue)
