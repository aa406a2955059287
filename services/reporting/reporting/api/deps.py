"""What the routers need, built once by main.create_app and kept on app.state."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from fastapi import Request

from motcua_shared.web.auth import UnitCheck

from reporting.app.api_keys import ApiKeys
from reporting.app.ports import ReportReader
from reporting.settings import ReportingSettings


@dataclass(frozen=True)
class Services:
    settings: ReportingSettings
    reader: ReportReader
    api_keys: ApiKeys
    clock: Callable[[], datetime]
    unit_known: UnitCheck | None = None  # None: MOTCUA_UNITS_URL is empty, no check


def services(request: Request) -> Services:
    return request.app.state.services
