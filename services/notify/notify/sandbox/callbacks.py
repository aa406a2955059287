"""The sandbox calling notify back, as the providers do: Zalo's signed `user_received_message`
event, the SMS gateway's delivery report, and a citizen's answer to the brandname (MO)."""

import json
import time
from typing import Any

import httpx

from notify.domain.zalo_events import DELIVERY_EVENT, SIGNATURE_HEADER, zalo_signature
from notify.sandbox.settings import SandboxSettings
from notify.sandbox.state import Attempt


class Callbacks:
    def __init__(self, http: httpx.AsyncClient, settings: SandboxSettings) -> None:
        self.http, self.settings = http, settings
        self.base = settings.notify_url.rstrip("/")

    async def receipt(self, attempt: Attempt, delivered: bool = True) -> dict[str, Any]:
        if attempt.channel == "zalo":
            answer = await self._zalo_delivery(attempt)
        else:
            answer = await self._post(
                "/api/v1/webhooks/sms/delivery",
                {
                    "sms_id": attempt.provider_id,
                    "request_id": attempt.reference,
                    "status": "delivered" if delivered else "failed",
                    "error": None if delivered else "handset unreachable",
                },
            )
        attempt.delivered = attempt.delivered or (delivered and answer.get("status") == 200)
        return answer

    async def inbound(self, phone: str, text: str) -> dict[str, Any]:
        return await self._post("/api/v1/webhooks/sms/inbound", {"phone": phone, "text": text})

    async def _zalo_delivery(self, attempt: Attempt) -> dict[str, Any]:
        now_ms = str(int(time.time() * 1000))
        body = json.dumps(
            {
                "app_id": self.settings.zalo_app_id,
                "oa_id": "sandbox-oa",
                "event_name": DELIVERY_EVENT,
                "timestamp": now_ms,
                "recipient": {"id": "sandbox-user-" + attempt.phone[-4:]},
                "message": {
                    "msg_id": attempt.provider_id,
                    "tracking_id": attempt.reference,
                    "delivery_time": now_ms,
                },
            }
        )
        signature = zalo_signature(
            self.settings.zalo_app_id, body, now_ms, self.settings.zalo_oa_secret_key
        )
        response = await self.http.post(
            self.base + "/api/v1/webhooks/zalo",
            content=body,
            headers={SIGNATURE_HEADER: signature, "Content-Type": "application/json"},
        )
        return _answer(response)

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.http.post(
            self.base + path, json=body, params={"token": self.settings.webhook_token}
        )
        return _answer(response)


def _answer(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = response.text
    return {"status": response.status_code, "body": body}
