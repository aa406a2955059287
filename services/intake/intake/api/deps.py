"""Request-scoped access to what bootstrap.py wired (`app.state.services`) and the acting
officer."""

from typing import Annotated, Any, Protocol

from fastapi import Depends, Request

from motcua_shared.messaging.outbox import Outbox
from motcua_shared.web.auth import Principal, PrincipalDep, require_roles

from intake.app.context import Actor, IntakeApp
from intake.app.officers import Accounts
from intake.app.ports import WorkLists
from intake.settings import IntakeSettings

DESK = ("desk",)
PROCESSING = ("specialist", "leader")
# The desk hands a received dossier to the specialist: the first line of the control slip.
HANDLERS = ("desk", "specialist", "leader")
OFFICERS = ("desk", "specialist", "leader", "admin")


class Services(Protocol):
    """What the routers read from `app.state.services` (bootstrap.Services provides it)."""

    settings: IntakeSettings
    intake: IntakeApp
    accounts: Accounts
    worklists: WorkLists
    outbox: Outbox


def services(request: Request) -> Services:
    return request.app.state.services


# Dependencies are async (they do no I/O): FastAPI runs a plain-def one in a worker thread, a
# thread hop on every request.
async def get_app(request: Request) -> IntakeApp:
    return services(request).intake


AppDep = Annotated[IntakeApp, Depends(get_app)]


def actor_dep(principal_dep: PrincipalDep, roles: tuple[str, ...]) -> Any:
    """A dependency giving the Actor, after the token (401) and the role (403) checks."""
    checked = require_roles(principal_dep, *roles)

    async def dependency(principal: Annotated[Principal, Depends(checked)]) -> Actor:
        return Actor(officer_id=principal.sub, unit_code=principal.unit)

    return Depends(dependency)
