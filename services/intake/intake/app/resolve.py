"""Resolution: a dossier is approved or refused (with a reason); a linked '3 trong 1' dossier
is resolved by its agencies one task at a time, the last task resolving the parent. A resolution
leaves its step durations for the at-risk estimate (domain/at_risk.py)."""

from motcua_shared.contract.dossier_events import ResolutionOutcome

from intake.app.apply_action import act_on_dossier
from intake.app.calendars import calendar_for
from intake.app.context import Actor, IntakeApp
from intake.domain.at_risk import step_samples
from intake.domain.dossier import Dossier


async def resolve(
    app: IntakeApp, actor: Actor, code: str, outcome: ResolutionOutcome, reason: str | None
) -> Dossier:
    dossier = await act_on_dossier(
        app, actor, code, lambda d, at: d.resolve(actor.officer_id, at, outcome, reason)
    )
    await remember_step_durations(app, dossier)
    return dossier


async def remember_step_durations(app: IntakeApp, dossier: Dossier) -> None:
    """Each step's working days to the resolution, for the at-risk estimate (domain/at_risk.py).
    Written after the commit: a sample lost to a crash only makes the estimate a little older."""
    if dossier.resolved_at is None:
        return
    calendar = await calendar_for(app, dossier.unit_code)
    await app.step_history.record(
        dossier.procedure_code, step_samples(dossier.history, dossier.resolved_at, calendar)
    )


async def resolve_task(
    app: IntakeApp,
    actor: Actor,
    code: str,
    agency: str,
    outcome: ResolutionOutcome,
    reason: str | None,
) -> Dossier:
    dossier = await act_on_dossier(
        app,
        actor,
        code,
        lambda d, at: d.resolve_task(actor.officer_id, at, agency, outcome, reason),
    )
    await remember_step_durations(app, dossier)
    return dossier
