"""The sandbox's own controls (/_sandbox/…): shape answers per phone, read what arrived, and
make the providers call notify back. Tests drive the sandbox through these."""

from collections.abc import Awaitable
from typing import Any

import httpx
from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from notify.sandbox.callbacks import Callbacks
from notify.sandbox.state import Behaviour, SandboxState


class Inbound(BaseModel):
    phone: str = Field(description="The citizen's number, 84…")
    text: str = "STOP"


def control_router(state: SandboxState, callbacks: Callbacks) -> APIRouter:
    router = APIRouter(prefix="/_sandbox", tags=["sandbox controls"])

    @router.put("/behaviours/{phone}", summary="How to answer for this phone (84…)")
    async def set_behaviour(phone: str, behaviour: Behaviour) -> Behaviour:
        state.behaviours[phone] = behaviour
        return behaviour

    @router.get("/messages", summary="Messages the providers accepted")
    async def messages() -> list[dict[str, Any]]:
        return [a.view() for a in state.accepted()]

    @router.get("/attempts", summary="Every send request, accepted or not")
    async def attempts() -> list[dict[str, Any]]:
        return [a.view() for a in state.attempts]

    @router.get("/counts", summary="How many send requests came and were accepted (cheap to poll)")
    async def counts() -> dict[str, int]:
        return {
            "attempts": len(state.attempts),
            "accepted": sum(1 for a in state.attempts if a.accepted),
        }

    @router.get("/oauth-requests", summary="Token refreshes asked for")
    async def oauth_requests() -> list[dict[str, str]]:
        return state.oauth_requests

    @router.post(
        "/messages/{attempt_id}/receipt", summary="Send this message's delivery receipt to notify"
    )
    async def receipt(attempt_id: str, delivered: bool = True) -> dict[str, Any]:
        attempt = state.find(attempt_id)
        if attempt is None or not attempt.accepted:
            raise HTTPException(404, "no accepted message with this id")
        return await _call(callbacks.receipt(attempt, delivered))

    @router.post("/inbound", summary="The citizen answers the brandname, e.g. STOP")
    async def inbound(body: Inbound) -> dict[str, Any]:
        state.inbound.append(body.model_dump())
        return await _call(callbacks.inbound(body.phone, body.text))

    @router.post("/zalo/revoke-tokens", summary="Invalidate every access token (Zalo answers -124)")
    async def revoke() -> dict[str, bool]:
        state.revoke_tokens()
        return {"revoked": True}

    @router.post("/reset", summary="Forget everything")
    async def reset() -> dict[str, bool]:
        state.reset()
        return {"reset": True}

    return router


async def _call(callback: Awaitable[dict[str, Any]]) -> dict[str, Any]:
    try:
        return await callback
    except httpx.HTTPError as exc:
        raise HTTPException(502, f"notify did not answer: {type(exc).__name__}") from exc
