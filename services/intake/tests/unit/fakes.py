"""In-memory fakes of intake's own ports (not of MongoDB): enough to run the use cases."""

import copy
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from motcua_shared.contract.dossier_events import OfficerContact
from motcua_shared.contract.envelope import Envelope
from motcua_shared.testing.clock import SettableClock

from intake.adapters.seed import load_demo_data
from intake.app.context import IntakeApp
from intake.domain.calendar import CalendarOverrides
from intake.domain.catalogue import Procedure, Unit
from intake.domain.dossier import Dossier
from intake.domain.dossier_parts import ClockPolicy

T = TypeVar("T")


@dataclass
class Store:
    dossiers: dict[str, Dossier] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    events: list[Envelope[Any]] = field(default_factory=list)
    payments: dict[str, dict[str, Any]] = field(default_factory=dict)


class FakeTransaction:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def get_dossier(self, code: str) -> Dossier | None:
        found = self.store.dossiers.get(code)
        return found.model_copy(deep=True) if found else None

    async def insert_dossiers(self, dossiers: Sequence[Dossier]) -> None:
        for dossier in dossiers:
            assert dossier.code not in self.store.dossiers
            self.store.dossiers[dossier.code] = dossier.model_copy(deep=True)

    async def update_dossier(self, dossier: Dossier, expected_version: int) -> None:
        assert self.store.dossiers[dossier.code].version == expected_version
        self.store.dossiers[dossier.code] = dossier.model_copy(deep=True)

    async def next_sequence(self, counter: str, count: int = 1) -> int:
        self.store.counters[counter] = self.store.counters.get(counter, 0) + count
        return self.store.counters[counter]

    async def append_events(self, envelopes: Sequence[Envelope[Any]]) -> None:
        self.store.events.extend(envelopes)

    async def record_payment(self, payment: dict[str, Any]) -> bool:
        if payment["transaction"] in self.store.payments:
            return False
        self.store.payments[payment["transaction"]] = dict(payment)
        return True


class FakeUnitOfWork:
    """Commits the work's changes only if it returns; an exception leaves the store as it was."""

    def __init__(self, store: Store) -> None:
        self.store, self.commits = store, 0

    async def run(self, work: Callable[[FakeTransaction], Awaitable[T]]) -> T:
        draft = copy.deepcopy(self.store)
        result = await work(FakeTransaction(draft))
        self.store.dossiers, self.store.counters, self.store.events = (
            draft.dossiers,
            draft.counters,
            draft.events,
        )
        self.store.payments = draft.payments
        self.commits += 1
        return result


class FakeReader:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def get(self, code: str) -> Dossier | None:
        return self.store.dossiers.get(code)


class FakeCatalogue:
    def __init__(self) -> None:
        units, procedures = load_demo_data()
        self._units: dict[str, Unit] = {u.code: u for u in units}
        self._procedures: dict[str, Procedure] = {p.code: p for p in procedures}
        self._overrides: dict[str, CalendarOverrides] = {}

    async def unit(self, code: str) -> Unit | None:
        return self._units.get(code)

    async def units(self) -> list[Unit]:
        return list(self._units.values())

    async def procedure(self, code: str) -> Procedure | None:
        return self._procedures.get(code)

    async def procedures(self) -> list[Procedure]:
        return list(self._procedures.values())

    async def overrides(self, unit_code: str) -> CalendarOverrides:
        return self._overrides.get(unit_code, CalendarOverrides())

    async def set_overrides(
        self, unit_code: str, overrides: CalendarOverrides, officer_id: str, at: datetime
    ) -> None:
        self._overrides[unit_code] = overrides


class FakeLookupGuard:
    def __init__(
        self,
        max_failures: int = 5,
        window: timedelta = timedelta(minutes=15),
        code_max_failures: int = 10,
        code_window: timedelta = timedelta(hours=1),
    ) -> None:
        self.failures: list[tuple[str, str, datetime]] = []
        self.max_failures, self.window = max_failures, window
        self.code_max_failures, self.code_window = code_max_failures, code_window

    async def blocked(self, client: str, code: str, now: datetime) -> int | None:
        by_client = sum(1 for c, _, at in self.failures if c == client and at > now - self.window)
        by_code = sum(1 for _, k, at in self.failures if k == code and at > now - self.code_window)
        if by_client >= self.max_failures or by_code >= self.code_max_failures:
            return int(self.code_window.total_seconds())
        return None

    async def record_failure(self, client: str, code: str, now: datetime) -> None:
        self.failures.append((client, code, now))


class FakeOfficers:
    """Officer accounts as the `officers` collection holds them (unit, roles, contacts)."""

    def __init__(self, accounts: dict[str, dict[str, Any]] | None = None) -> None:
        self.accounts = accounts or {}

    async def contacts(
        self, unit_code: str, holder_id: str | None, *, leaders: bool
    ) -> list[OfficerContact]:
        found = []
        for officer_id, account in sorted(self.accounts.items(), key=lambda kv: kv[0] != holder_id):
            if account.get("disabled"):
                continue
            if officer_id == holder_id:
                found.append(
                    OfficerContact(officer_id=officer_id, role="holder", email=account.get("email"))
                )
            elif leaders and account["unit"] == unit_code and "leader" in account["roles"]:
                found.append(
                    OfficerContact(officer_id=officer_id, role="leader", email=account.get("email"))
                )
        return found


class FakeDeadlineIndex:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def due(self, now: datetime, limit: int) -> list[str]:
        due = [
            d
            for d in self.store.dossiers.values()
            if d.next_deadline_at is not None and d.next_deadline_at <= now
        ]
        return [d.code for d in sorted(due, key=lambda d: d.next_deadline_at)][:limit]  # type: ignore[arg-type, return-value]

    async def unplanned(self, limit: int) -> list[str]:
        return []  # every dossier made here is planned when stored


class FakeStepHistory:
    def __init__(self) -> None:
        self.days: dict[tuple[str, str], list[int]] = {}

    async def samples(self, procedure_code: str, step: str) -> list[int]:
        return list(self.days.get((procedure_code, step), []))

    async def record(self, procedure_code: str, samples: dict[str, list[int]]) -> None:
        for step, days in samples.items():
            self.days[(procedure_code, step)] = (self.days.get((procedure_code, step), []) + days)[
                -50:
            ]


def fake_app(
    now: datetime, policy: ClockPolicy = ClockPolicy.RESTART
) -> tuple[IntakeApp, Store, SettableClock]:
    store, clock = Store(), SettableClock(now)
    app = IntakeApp(
        uow=FakeUnitOfWork(store),
        dossiers=FakeReader(store),
        catalogue=FakeCatalogue(),
        lookup_guard=FakeLookupGuard(),
        clock_policy=policy,
        clock=clock,
        officers=FakeOfficers(),
        deadlines=FakeDeadlineIndex(store),
        step_history=FakeStepHistory(),
    )
    return app, store, clock
