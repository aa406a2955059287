"""The deadline scheduler's use case: find the dossiers whose next alarm is due (an indexed
range on `next_deadline_at`, at most `limit`), and for each, in one transaction, fire its due
alarms (history entries → `dossier.due_soon` / `.overdue` / `.step_overdue` in the outbox) and
store its next alarm. Rule and legal source: domain/deadlines.py.

Once each, whatever happens: the fired alarm's key is written with the event, so a restart, a
second replica racing on the same dossier (the version check makes one of them retry and find
nothing left), or a clock moved back never fires it twice; a clock moved forward fires what
became due. The officers to tell are read from the `officers` accounts just before: the holder,
and for an overdue dossier the unit's leaders too."""

import logging
from datetime import datetime

from intake.app.calendars import calendar_for
from intake.app.context import IntakeApp
from intake.app.history_events import envelopes
from intake.app.ports import DossierTransaction
from intake.domain.calendar import WorkingCalendar
from intake.domain.deadlines import DeadlineKind
from intake.domain.dossier import Dossier

log = logging.getLogger(__name__)


async def fire_due_deadlines(app: IntakeApp, limit: int = 100) -> int:
    """One scheduler tick; returns how many dossiers it looked at (== limit: call again now)."""
    if app.deadlines is None:
        return 0
    now = app.clock()
    codes = await app.deadlines.due(now, limit)
    calendars: dict[str, WorkingCalendar] = {}
    for code in codes:
        await _fire_one(app, code, now, calendars)
    return len(codes)


async def _fire_one(
    app: IntakeApp, code: str, now: datetime, calendars: dict[str, WorkingCalendar]
) -> None:
    seen = await app.dossiers.get(code)
    if seen is None:
        return
    if seen.unit_code not in calendars:
        calendars[seen.unit_code] = await calendar_for(app, seen.unit_code)
    calendar = calendars[seen.unit_code]
    holder = await app.officers.contacts(seen.unit_code, seen.current_officer_id, leaders=False)
    with_leaders = await app.officers.contacts(
        seen.unit_code, seen.current_officer_id, leaders=True
    )
    samples = await app.step_history.samples(seen.procedure_code, seen.step) if seen.step else []

    def officers(kind: DeadlineKind) -> list:
        return with_leaders if kind is DeadlineKind.OVERDUE else holder

    async def work(tx: DossierTransaction) -> Dossier | None:
        dossier = await tx.get_dossier(code)
        if dossier is None:
            return None
        before = dossier.version
        planned, risk_before = dossier.next_deadline_at, dossier.at_risk
        if dossier.step == seen.step:
            dossier.assess_risk(samples, calendar)
        fired = dossier.fire_deadlines(now, calendar, app.deadline_rule, officers)
        if not fired and dossier.next_deadline_at == planned and dossier.at_risk == risk_before:
            return None  # someone else fired it meanwhile: nothing to write
        await tx.update_dossier(dossier, before)
        await tx.append_events(envelopes(dossier, dossier.history[before:]))
        return dossier

    dossier = await app.uow.run(work)
    if dossier is not None:
        log.info(
            "dossier %s deadlines: %s; next %s",
            code,
            [e.action for e in dossier.history[seen.version :]] or "none fired",
            dossier.next_deadline_at,
        )


async def plan_unplanned(app: IntakeApp, limit: int = 100) -> int:
    """After an upgrade, give the open dossiers stored before deadlines existed their next alarm
    (no event: planning is not a change of the dossier). Returns how many it planned."""
    if app.deadlines is None:
        return 0
    codes = await app.deadlines.unplanned(limit)
    calendars: dict[str, WorkingCalendar] = {}
    for code in codes:
        seen = await app.dossiers.get(code)
        if seen is None:
            continue
        if seen.unit_code not in calendars:
            calendars[seen.unit_code] = await calendar_for(app, seen.unit_code)
        calendar = calendars[seen.unit_code]

        async def work(
            tx: DossierTransaction, code: str = code, calendar: WorkingCalendar = calendar
        ) -> None:
            dossier = await tx.get_dossier(code)
            if dossier is not None:
                dossier.plan_deadlines(calendar, app.deadline_rule)
                await tx.update_dossier(dossier, dossier.version)

        await app.uow.run(work)
    return len(codes)
