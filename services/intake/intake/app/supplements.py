"""Supplements: a specialist asks for more papers during processing (Phiếu yêu cầu bổ sung,
hoàn thiện hồ sơ); the desk records that the citizen brought them, before receipt or during
processing, and the due date follows the unit's clock policy (restart or pause)."""

from intake.app.apply_action import act_on_dossier
from intake.app.calendars import calendar_for
from intake.app.context import Actor, IntakeApp
from intake.domain.dossier import Dossier


async def request_supplement(
    app: IntakeApp, actor: Actor, code: str, missing_papers: list[str], reason: str
) -> Dossier:
    return await act_on_dossier(
        app,
        actor,
        code,
        lambda d, at: d.request_supplement(actor.officer_id, at, missing_papers, reason),
    )


async def supply_papers(app: IntakeApp, actor: Actor, code: str) -> Dossier:
    calendar = await calendar_for(app, actor.unit_code)
    return await act_on_dossier(
        app,
        actor,
        code,
        lambda d, at: d.supply_papers(actor.officer_id, at, calendar, app.clock_policy),
        calendar,
    )
