"""Receive a dossier at the desk (tiếp nhận hồ sơ): the desk check decides whether it is
received (code, due date, appointment slip), waits for papers, or is refused; every dossier
gets its code `<unit id>-YYMMDD-NNNN…` (Circular 03/2025/TT-VPCP art. 13, see domain/codes.py)
from a per-unit daily counter in the same transaction (Decree 118/2025/NĐ-CP: receipt and
appointment slip, form 01 of Appendix I of Circular 03/2025)."""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from motcua_shared.contract.dossier_events import Channel

from intake.app.apply_action import Actor
from intake.app.calendars import calendar_for, known_procedure
from intake.app.context import IntakeApp
from intake.app.history_events import envelopes
from intake.app.ports import DossierTransaction
from intake.domain.calendar import WorkingCalendar, local_date
from intake.domain.catalogue import Procedure, Unit
from intake.domain.citizen import Citizen
from intake.domain.codes import counter_key, dossier_code
from intake.domain.dossier import Dossier
from intake.domain.dossier_opening import open_dossier
from intake.domain.errors import WrongUnit
from intake.domain.lifecycle import DeskCheck


@dataclass(frozen=True)
class Submission:
    procedure_code: str
    channel: Channel
    desk_check: DeskCheck
    citizen: Citizen
    home_service: bool = False
    missing_papers: list[str] = field(default_factory=list)
    reason: str | None = None
    correlation_id: str | None = None


log = logging.getLogger(__name__)


async def receive_dossier(app: IntakeApp, actor: Actor, submission: Submission) -> Dossier:
    unit = await app.catalogue.unit(actor.unit_code)
    if unit is None:
        raise WrongUnit()
    procedure = await known_procedure(app, submission.procedure_code, field="procedure_code")
    calendar = await calendar_for(app, unit.code)
    correlation_id = submission.correlation_id or str(uuid.uuid4())
    pending = _Pending(actor, submission, unit, procedure, calendar, correlation_id)
    dossier = await app.receipts.submit(unit.code, pending, partial(_receive_together, app))
    log.info(
        "dossier %s received at the desk by %s: %s",
        dossier.code,
        actor.officer_id,
        dossier.status.value,
    )
    return dossier


@dataclass(frozen=True)
class _Pending:
    """A receipt ready to be written: all but its code and time."""

    actor: Actor
    submission: Submission
    unit: Unit
    procedure: Procedure
    calendar: WorkingCalendar
    correlation_id: str


async def _receive_together(
    app: IntakeApp, unit_code: str, group: list[_Pending]
) -> list[Dossier | Exception]:
    """A unit's receipts that waited while the one before was written (they share its daily
    counter, so they are written one transaction at a time: `GroupCommit`): one transaction,
    their codes in arrival order from one move of the counter. A submission the domain refuses
    gets its error and no code, so the day's sequence has no gaps."""
    at = app.clock()  # taken in turn, so codes and receipt times have the same order
    day = local_date(at)
    refused: list[Exception | None] = []
    for pending in group:  # the domain's checks first: they need no code
        try:
            _open(app, pending, dossier_code(pending.unit.code_prefix, day, 1), at)
            refused.append(None)
        except Exception as exc:  # that request's own error (a RuleViolation: 422)
            refused.append(exc)
    accepted = [pending for pending, error in zip(group, refused, strict=True) if error is None]
    if not accepted:
        return [error for error in refused if error is not None]

    async def work(tx: DossierTransaction) -> list[Dossier]:
        last = await tx.next_sequence(counter_key(unit_code, day), len(accepted))
        first = last - len(accepted) + 1
        dossiers = [
            _open(app, pending, dossier_code(pending.unit.code_prefix, day, first + i), at)
            for i, pending in enumerate(accepted)
        ]
        await tx.insert_dossiers(dossiers)
        await tx.append_events([e for d in dossiers for e in envelopes(d, d.history)])
        return dossiers

    received = iter(await app.uow.run(work))
    return [next(received) if error is None else error for error in refused]


def _open(app: IntakeApp, pending: _Pending, code: str, at: datetime) -> Dossier:
    submission = pending.submission
    dossier = open_dossier(
        code=code,
        unit=pending.unit,
        procedure=pending.procedure,
        channel=submission.channel,
        citizen=submission.citizen,
        home_service=submission.home_service,
        correlation_id=pending.correlation_id,
        desk_check=submission.desk_check,
        officer_id=pending.actor.officer_id,
        at=at,
        calendar=pending.calendar,
        missing_papers=submission.missing_papers,
        reason=submission.reason,
    )
    dossier.plan_deadlines(pending.calendar, app.deadline_rule)
    return dossier
