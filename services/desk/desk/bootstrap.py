"""Composition root: settings → HTTP clients of intake, reporting and survey, the QR maker → one
`Services`, which main.py keeps on `app.state.services` (api/deps.py reads it). `Services.stop`
closes the clients. Why one place: every dependency of the desk is found here, as in
cosmicpython/code's bootstrap.py."""

from collections.abc import Callable
from dataclasses import dataclass

from motcua_shared.ops.operations import Operations

from desk.adapters.qr import qr_svg
from desk.adapters.service_clients import ServiceClient
from desk.settings import DeskSettings


@dataclass
class Services:
    """The three services the desk is built on, its settings and the QR maker."""

    settings: DeskSettings
    intake: ServiceClient
    reporting: ServiceClient
    survey: ServiceClient
    qr: Callable[[str], str]
    ops: Operations

    async def stop(self) -> None:
        await self.ops.stop()
        for client in (self.intake, self.reporting, self.survey):
            await client.close()


def bootstrap(settings: DeskSettings, ops: Operations) -> Services:
    timeout = settings.http_timeout_seconds
    services = Services(
        settings=settings,
        intake=ServiceClient("intake", settings.intake_url, timeout),
        reporting=ServiceClient("reporting", settings.reporting_url, timeout),
        survey=ServiceClient("survey", settings.survey_url, timeout),
        qr=qr_svg,
        ops=ops,
    )
    # Ready when intake answers: without it nobody can log in or receive.
    ops.start({"intake": services.intake.ping})
    return services
