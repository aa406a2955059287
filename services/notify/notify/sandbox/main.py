"""`notify-sandbox`: a local stand-in for Zalo ZNS, the SMS gateway and the officers' e-mail API
(port 8010).

It is the default Zalo/SMS endpoint of the embedded run, so a person running motcua sees on
http://127.0.0.1:8010/ what citizens would get; and it is the recording server notify's tests
send to, with answers shaped per phone number.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import uvicorn
from fastapi import FastAPI

from motcua_shared.ops.background_tasks import stop_tasks
from motcua_shared.ops.health import LIVENESS_PATH, liveness_router
from motcua_shared.ops.logs import configure_logging, quiet_access_log

from notify.sandbox.callbacks import Callbacks
from notify.sandbox.control import control_router
from notify.sandbox.email_api import email_router
from notify.sandbox.page import page_router
from notify.sandbox.provider_api import provider_router
from notify.sandbox.settings import SandboxSettings
from notify.sandbox.state import Attempt, SandboxState


def create_sandbox_app(settings: SandboxSettings | None = None) -> FastAPI:
    settings = settings or SandboxSettings()
    state = SandboxState()
    http = httpx.AsyncClient(timeout=10)
    callbacks = Callbacks(http, settings)
    pending: set[asyncio.Task] = set()

    def on_accepted(attempt: Attempt) -> None:
        if settings.auto_receipts:
            task = asyncio.create_task(
                _receipt_later(callbacks, attempt, settings.receipt_delay_seconds)
            )
            pending.add(task)
            task.add_done_callback(pending.discard)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await stop_tasks(*pending)
            await http.aclose()

    app = FastAPI(title="motcua Zalo/SMS sandbox", version="0.1.0", lifespan=lifespan)
    app.state.sandbox = state
    app.include_router(page_router(state))
    app.include_router(provider_router(state, settings, on_accepted))
    app.include_router(control_router(state, callbacks))
    app.include_router(email_router(settings.email_api_key))
    app.include_router(liveness_router())
    quiet_access_log(frozenset({LIVENESS_PATH}))
    return app


async def _receipt_later(callbacks: Callbacks, attempt: Attempt, delay: float) -> None:
    await asyncio.sleep(delay)
    try:
        await callbacks.receipt(attempt)
    except httpx.HTTPError:
        pass  # notify is not running: the page still shows the message, "not delivered"


def run() -> None:
    settings = SandboxSettings()
    configure_logging("notify-sandbox")
    uvicorn.run(
        create_sandbox_app(settings), host=settings.host, port=settings.port, log_config=None
    )


if __name__ == "__main__":
    run()
