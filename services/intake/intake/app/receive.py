"""Receive a dossier at the desk (tiếp nhận hồ sơ): the desk check decides whether it is
received (code, due date, appointment slip), waits for papers, or is refused; every dossier
gets its code `<unit id>-YYMMDD-NNNN…` (Circular 03/2025/TT-VPCP art. 13, see domain/codes.py)
from a per-unit daily counter in the same transaction (Decree 118/2025/NĐ-CP: receipt and
appointment slip, form 01 of Appendix I of Circular 03/2025)."""

import logging
import uuid
from dataclasses import dataclass, field

from motcua_shared.contract.dossier_events import Channel

from intake.app.apply_action import Actor
from intake.app.calendars import calendar_for, known_procedure
from intake.app.context import IntakeApp
from intake.app.history_events import envelopes
from intake.app.ports import DossierTransaction
from intake.domain.calendar import local_date
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

    async with app.receipt_queue.turn(unit.code):
        at = app.clock()  # taken in turn, so codes and receipt times have the same order
        day = local_date(at)

        async def work(tx: DossierTransaction) -> Dossier:
            sequence = await tx.next_sequence(counter_key(unit.code, day))
            dossier = open_dossier(
                code=dossier_code(unit.code_prefix, day, sequence),
                unit=unit,
                procedure=procedure,
                channel=submission.channel,
                citizen=submission.citizen,
                home_service=submission.home_service,
                correlation_id=correlation_id,
                desk_check=submission.desk_check,
                officer_id=actor.officer_id,
                at=at,
                calendar=calendar,
                missing_papers=submission.missing_papers,
                reason=submission.reason,
            )
            dossier.plan_deadlines(calendar, app.deadline_rule)
            await tx.insert_dossier(dossier)
            for envelope in envelopes(dossier, dossier.history):
                await tx.append_event(envelope)
            return dossier

        dossier = await app.uow.run(work)
    log.info(
        "dossier %s received at the desk by %s: %s",
        dossier.code,
        actor.officer_id,
        dossier.status.value,
    )
    return dossier
