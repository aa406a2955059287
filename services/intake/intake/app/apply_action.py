"""The one way a lifecycle action changes a stored dossier: in one transaction, load it,
check the officer's unit, let the domain apply the action, save it with its new version and
put one event per new history entry in the outbox. A change may be a coroutine (one that reads
what the stored dossier names, e.g. its procedure's step durations, without reading it twice)."""

import inspect
import logging
from collections.abc import Callable
from datetime import datetime

from intake.app.calendars import calendar_for
from intake.app.context import Actor, IntakeApp
from intake.app.history_events import envelopes
from intake.app.ports import DossierTransaction
from intake.domain.calendar import WorkingCalendar
from intake.domain.dossier import Dossier
from intake.domain.errors import NotFound, WrongUnit

Change = Callable[[Dossier, datetime], object]

log = logging.getLogger(__name__)


async def act_on_dossier(
    app: IntakeApp, actor: Actor, code: str, change: Change, calendar: WorkingCalendar | None = None
) -> Dossier:
    # Every change may move a deadline (a new due date, a new step, the clock stopped), so the
    # dossier's next alarm is planned again on the unit's calendar in the same write.
    calendar = calendar or await calendar_for(app, actor.unit_code)
    at = app.clock()

    async def work(tx: DossierTransaction) -> Dossier:
        dossier = await tx.get_dossier(code)
        if dossier is None:
            raise NotFound("dossier", code)
        if dossier.unit_code != actor.unit_code:
            raise WrongUnit()
        before = dossier.version
        changed = change(dossier, at)
        if inspect.isawaitable(changed):
            await changed
        dossier.plan_deadlines(calendar, app.deadline_rule)
        await tx.update_dossier(dossier, before)
        await tx.append_events(envelopes(dossier, dossier.history[before:]))
        return dossier

    dossier = await app.uow.run(work)
    log.info(
        "dossier %s %s by %s: now %s (v%d)",
        dossier.code,
        dossier.history[-1].action,
        actor.officer_id,
        dossier.status.value,
        dossier.version,
    )
    return dossier


async def read_dossier(app: IntakeApp, actor: Actor, code: str) -> Dossier:
    dossier = await app.dossiers.get(code)
    if dossier is None:
        raise NotFound("dossier", code)
    if dossier.unit_code != actor.unit_code:
        raise WrongUnit()
    return dossier
