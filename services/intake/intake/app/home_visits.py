"""Home service (seed 004): schedule a visit on the unit's visit day."""

from datetime import datetime
from typing import Literal

from intake.app.apply_action import act_on_dossier
from intake.app.calendars import calendar_for, known_unit
from intake.app.context import Actor, IntakeApp
from intake.domain.calendar import local_date
from intake.domain.dossier import Dossier
from intake.domain.home_visit import visit_date


async def schedule_home_visit(
    app: IntakeApp, actor: Actor, code: str, urgent: bool, purpose: Literal["receive", "return"]
) -> Dossier:
    unit = await known_unit(app, actor.unit_code)
    calendar = await calendar_for(app, unit.code)

    def change(dossier: Dossier, at: datetime) -> None:
        day = visit_date(unit.home_visit_rule, local_date(at), urgent, calendar)
        dossier.schedule_home_visit(actor.officer_id, at, day, urgent, purpose)

    return await act_on_dossier(app, actor, code, change, calendar)
