"""Resolution: a dossier is approved or refused (with a reason); a linked '3 trong 1' dossier
is resolved by its agencies one task at a time, the last task resolving the parent."""

from motcua_shared.events import ResolutionOutcome

from intake.app.act import act_on_dossier
from intake.app.context import Actor, IntakeApp
from intake.domain.dossier import Dossier


async def resolve(app: IntakeApp, actor: Actor, code: str, outcome: ResolutionOutcome,
                  reason: str | None) -> Dossier:
    return await act_on_dossier(app, actor, code, lambda d, at: d.resolve(actor.officer_id, at, outcome, reason))


async def resolve_task(app: IntakeApp, actor: Actor, code: str, agency: str, outcome: ResolutionOutcome,
                       reason: str | None) -> Dossier:
    return await act_on_dossier(
        app, actor, code, lambda d, at: d.resolve_task(actor.officer_id, at, agency, outcome, reason))
