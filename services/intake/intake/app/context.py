"""What every use case gets: the ports, the clock and the unit's settings."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from motcua_shared.storage.group_commit import GroupCommit
from motcua_shared.vietnam.timeutil import Clock, utcnow

from intake.app.ports import (
    AccessAudit,
    Catalogue,
    CitizenDossiers,
    Counter,
    DeadlineIndex,
    DossierReader,
    FileStore,
    LookupGuard,
    NoOfficers,
    NoStepHistory,
    OfficerDirectory,
    PaymentBook,
    PaymentGateway,
    Signer,
    StepHistory,
    UnitOfWork,
)
from intake.domain.deadlines import DeadlineRule
from intake.domain.dossier import Dossier
from intake.domain.dossier_parts import ApologyRule, ClockPolicy


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


@dataclass(frozen=True)
class FileLimits:
    max_file_bytes: int = 10 * 1024 * 1024
    max_dossier_bytes: int = 50 * 1024 * 1024
    result_download_days: int = 30
    download_link_seconds: int = 900


@dataclass
class Digitisation:
    """What the digitised files, their verification and the fee need (issue 12)."""

    files: FileStore
    audit: AccessAudit
    citizens: CitizenDossiers
    verifications: Counter
    verify_signer: Signer  # QR tokens on slips and results
    link_signer: Signer  # the citizen's result download links
    gateway: PaymentGateway
    payments: PaymentBook
    public_url: str = "http://127.0.0.1:8001"  # how citizens' browsers reach intake
    limits: FileLimits = FileLimits()


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
    clock: Clock = field(default=now_ms)
    # A unit's receipts share its daily counter: written a group at a time (receive.py).
    receipts: GroupCommit[str, Any, Dossier] = field(default_factory=GroupCommit)
    digitisation: Digitisation | None = (
        None  # wired by main.py; unit tests of the lifecycle go without
    )
