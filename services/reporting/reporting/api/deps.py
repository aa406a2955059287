"""What the routers need, built once by bootstrap.py and kept on `app.state.services`."""

from typing import Protocol

from fastapi import Request

from motcua_shared.vietnam.timeutil import Clock
from motcua_shared.web.auth import UnitCheck

from reporting.app.api_keys import ApiKeys
from reporting.app.ports import ReportReader
from reporting.settings import ReportingSettings


class Services(Protocol):
    """What the routers read from `app.state.services` (bootstrap.Services provides it)."""

    settings: ReportingSettings
    reader: ReportReader
    api_keys: ApiKeys
    clock: Clock
    unit_known: UnitCheck | None  # None: MOTCUA_UNITS_URL is empty, no check


async def services(request: Request) -> Services:
    return request.app.state.services
