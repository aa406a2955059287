"""The provider side of the sandbox: Zalo ZNS (template message + OAuth v4 token refresh) and a
brandname SMS gateway, answering as the real ones do, shaped per phone by `Behaviour`."""

import asyncio
import base64
import hmac
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from notify.domain.rendering import placeholders
from notify.domain.sms_text import sms_size
from notify.domain.templates import TEMPLATES, ZNS_PARAMS
from notify.sandbox.settings import SandboxSettings
from notify.sandbox.state import Attempt, SandboxState

ZNS_MESSAGES = {
    -118: "Zalo account not existed",
    -119: "Account can not receive ZNS message",
    -109: "Template ID invalid",
    -100: "Unknown error",
    -124: "Access token invalid",
}
_BY_TEMPLATE_ID = {t.zns_template_id: t for t in TEMPLATES.values()}


class ZnsRequest(BaseModel):
    phone: str
    template_id: str
    template_data: dict[str, Any] = Field(default_factory=dict)
    tracking_id: str | None = None


class SmsRequest(BaseModel):
    brandname: str
    phone: str
    message: str
    request_id: str | None = None


def provider_router(
    state: SandboxState, settings: SandboxSettings, on_accepted: Callable[[Attempt], None]
) -> APIRouter:
    router = APIRouter(tags=["providers (sandbox)"])

    @router.post(
        "/message/template", summary="Zalo ZNS: send a template message", response_model=None
    )
    async def zns(
        body: ZnsRequest,
        access_token: str | None = Header(None, convert_underscores=False),
    ) -> dict[str, Any] | JSONResponse:
        behaviour = state.behaviour(body.phone)
        attempt = state.record(
            Attempt(
                "zalo",
                body.phone,
                body.tracking_id,
                body.template_id,
                body.template_data,
                text=zalo_text(body.template_id, body.template_data),
            )
        )
        await asyncio.sleep(behaviour.delay_seconds)
        if not state.token_valid(access_token):
            return _zns_error(attempt, -124)
        if behaviour.zalo_http_errors > 0:
            behaviour.zalo_http_errors -= 1
            attempt.answer = "http 503"
            return JSONResponse({"error": -100, "message": "Service unavailable"}, status_code=503)
        if behaviour.zalo_error is not None:
            return _zns_error(attempt, behaviour.zalo_error)
        attempt.accepted, attempt.answer, attempt.provider_id = True, "error 0", uuid.uuid4().hex
        on_accepted(attempt)
        return {
            "error": 0,
            "message": "Success",
            "data": {
                "msg_id": attempt.provider_id,
                "sent_time": str(int(time.time() * 1000)),
                "quota": {"dailyQuota": "500", "remainingQuota": "499"},
            },
        }

    @router.post("/v4/oa/access_token", summary="Zalo OAuth v4: refresh the OA access token")
    async def oauth(
        request: Request, secret_key: str | None = Header(None, convert_underscores=False)
    ) -> dict[str, Any]:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        state.oauth_requests.append(
            {
                "app_id": form.get("app_id", ""),
                "grant_type": form.get("grant_type", ""),
                "secret_key_ok": str(secret_key == settings.zalo_secret_key),
            }
        )
        if secret_key != settings.zalo_secret_key or form.get("app_id") != settings.zalo_app_id:
            return {
                "error": -14001,
                "error_name": "Invalid app",
                "error_reason": "app_id or secret_key is wrong",
            }
        if form.get("grant_type") != "refresh_token" or not state.use_refresh_token(
            form.get("refresh_token", "")
        ):
            return {
                "error": -14014,
                "error_name": "Invalid refresh token",
                "error_reason": "refresh_token is missing, invalid or already used",
            }
        access, refresh = state.issue_tokens(settings.access_token_ttl_seconds)
        return {
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": str(settings.access_token_ttl_seconds),
        }

    @router.post("/sms/send", summary="Brandname SMS gateway: send one SMS", response_model=None)
    async def sms(
        body: SmsRequest, authorization: str | None = Header(None)
    ) -> dict[str, Any] | JSONResponse:
        if not _basic_ok(authorization, settings.sms_username, settings.sms_password):
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        behaviour = state.behaviour(body.phone)
        if earlier := state.sms_already_accepted(body.request_id):
            return {"status": "duplicate", "sms_id": earlier.provider_id}
        attempt = state.record(
            Attempt(
                "sms",
                body.phone,
                body.request_id,
                text=body.message,
                brandname=body.brandname,
                sms_parts=sms_size(body.message).parts,
            )
        )
        await asyncio.sleep(behaviour.delay_seconds)
        if behaviour.sms_http_errors > 0:
            behaviour.sms_http_errors -= 1
            attempt.answer = "http 503"
            return JSONResponse({"error": "temporarily_unavailable"}, status_code=503)
        if behaviour.sms_refuse:
            attempt.answer = f"http 400 {behaviour.sms_refuse}"
            return JSONResponse({"error": behaviour.sms_refuse}, status_code=400)
        attempt.accepted, attempt.answer, attempt.provider_id = (
            True,
            "accepted",
            "sms-" + uuid.uuid4().hex[:16],
        )
        on_accepted(attempt)
        return {"status": "accepted", "sms_id": attempt.provider_id, "parts": attempt.sms_parts}

    return router


def zalo_text(template_id: str, data: dict[str, Any]) -> str:
    """The message as the citizen sees it in Zalo, from the registered template."""
    template = _BY_TEMPLATE_ID.get(template_id)
    if template is None:
        return f"[mẫu ZNS {template_id}] " + "; ".join(f"{k}: {v}" for k, v in data.items())
    values = {
        name: str(data.get(ZNS_PARAMS[name].name, "")) for name in placeholders(template.zalo_text)
    }
    return template.zalo_text.format(**values)


def _zns_error(attempt: Attempt, code: int) -> dict[str, Any]:
    attempt.answer = f"error {code}"
    return {"error": code, "message": ZNS_MESSAGES.get(code, "Error")}


def _basic_ok(header: str | None, username: str, password: str) -> bool:
    scheme, _, encoded = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        given = base64.b64decode(encoded).decode()
    except ValueError:
        return False
    return hmac.compare_digest(given, f"{username}:{password}")
