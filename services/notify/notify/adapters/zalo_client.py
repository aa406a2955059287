"""ZaloClient: sends a ZNS template message (POST {base}/message/template).

Request: header `access_token`; JSON {phone: "84912345678", template_id, template_data,
tracking_id}. Answer: {"error": 0, "data": {"msg_id": …}} or a negative error code. The
tracking_id is our message id, so Zalo's delivery event can be matched to the message even
if we never recorded Zalo's msg_id.
"""

import httpx

from motcua_shared.contract.event_base import MessageChannel

from notify.adapters import zalo_errors
from notify.adapters.provider_http import http_outcome
from notify.adapters.zalo_tokens import ZaloAuthError, ZaloTokens
from notify.domain.delivery_policy import Outcome, SendResult
from notify.domain.message import Message
from notify.domain.phone import provider_phone


class ZaloClient:
    channel = MessageChannel.ZALO

    def __init__(self, http: httpx.AsyncClient, base_url: str, tokens: ZaloTokens) -> None:
        self.http, self.tokens = http, tokens
        self.url = base_url.rstrip("/") + "/message/template"

    async def send(self, message: Message) -> SendResult:
        try:
            token = await self.tokens.access_token()
            result, rejected = await self._post(token, message)
            if rejected:
                token = await self.tokens.refresh_after_rejection(token)
                result, rejected = await self._post(token, message)
                if rejected:
                    return SendResult(
                        Outcome.PERMANENT, detail="zalo rejects a freshly refreshed access token"
                    )
            return result
        except ZaloAuthError as exc:
            return SendResult(Outcome.PERMANENT, detail=f"zalo: {exc}")
        except httpx.HTTPStatusError as exc:  # the OAuth endpoint answered 5xx / 429
            return SendResult(
                http_outcome(exc.response.status_code),
                detail=f"zalo oauth http {exc.response.status_code}",
            )
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            return SendResult(Outcome.TRANSIENT, detail=f"zalo unreachable: {type(exc).__name__}")

    async def _post(self, token: str, message: Message) -> tuple[SendResult, bool]:
        assert message.rendered is not None and message.phone is not None
        response = await self.http.post(
            self.url,
            headers={"access_token": token},
            json={
                "phone": provider_phone(message.phone),
                "template_id": message.rendered.zns_template_id,
                "template_data": message.rendered.zns_data,
                "tracking_id": message.id,
            },
        )
        if response.status_code != 200:
            return SendResult(
                http_outcome(response.status_code), detail=f"zalo http {response.status_code}"
            ), False
        try:
            body = response.json()
            code = int(body.get("error", -100))
        except (ValueError, TypeError, AttributeError):
            return SendResult(
                Outcome.TRANSIENT, detail="zalo answered something that is not JSON"
            ), False
        if code == zalo_errors.ACCESS_TOKEN_INVALID:
            return SendResult(
                Outcome.PERMANENT, detail="zalo error -124: access token invalid"
            ), True
        outcome = zalo_errors.classify(code)
        msg_id = (body.get("data") or {}).get("msg_id") if outcome == Outcome.ACCEPTED else None
        return SendResult(
            outcome, provider_id=msg_id, detail=f"zalo error {code}: {body.get('message', '')}"
        ), False
