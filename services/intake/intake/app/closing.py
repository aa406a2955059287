"""The end of a dossier at the desk: the result returned (at the desk or at home), or the
dossier withdrawn by the citizen before resolution (rút hồ sơ)."""

from motcua_shared.contract.dossier_events import ReturnMethod

from intake.app.apply_action import act_on_dossier
from intake.app.context import Actor, IntakeApp
from intake.domain.dossier import Dossier


async def return_result(app: IntakeApp, actor: Actor, code: str, method: ReturnMethod) -> Dossier:
    return await act_on_dossier(
        app, actor, code, lambda d, at: d.return_result(actor.officer_id, at, method)
    )


async def withdraw(app: IntakeApp, actor: Actor, code: str, reason: str | None) -> Dossier:
    return await act_on_dossier(
        app, actor, code, lambda d, at: d.withdraw(actor.officer_id, at, reason)
    )
