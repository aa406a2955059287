"""Processing steps of specialists and leaders: hand-overs (the Phiếu kiểm soát trail) and
the letter of apology and request to extend (văn bản xin lỗi và đề nghị gia hạn thời gian giải
quyết, form 04 of Appendix I, Circular 03/2025/TT-VPCP; formerly Phiếu xin lỗi và hẹn lại ngày
trả kết quả)."""

from datetime import date, datetime

from intake.app.apply_action import act_on_dossier
from intake.app.calendars import calendar_for
from intake.app.context import Actor, IntakeApp
from intake.domain.dossier import Dossier


async def hand_over(
    app: IntakeApp, actor: Actor, code: str, to_officer_id: str, step: str, note: str | None
) -> Dossier:
    calendar = await calendar_for(app, actor.unit_code)

    async def change(d: Dossier, at: datetime) -> None:
        # Read for the dossier the transaction loaded (no read of it before): an estimate, kept
        # in process (adapters/mongo_step_history.py), so mostly no round trip.
        samples = await app.step_history.samples(d.procedure_code, step)
        d.hand_over(actor.officer_id, at, to_officer_id, step, note, calendar)
        d.assess_risk(samples, calendar)

    return await act_on_dossier(app, actor, code, change, calendar)


async def apologise(
    app: IntakeApp, actor: Actor, code: str, new_due_date: date, reason: str
) -> Dossier:
    calendar = await calendar_for(app, actor.unit_code)
    return await act_on_dossier(
        app,
        actor,
        code,
        lambda d, at: d.apologise(
            actor.officer_id, at, new_due_date, reason, calendar, app.apology_rule
        ),
        calendar,
    )
