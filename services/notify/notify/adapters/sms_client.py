"""SmsClient: a brandname SMS gateway over HTTP (customer-care messages from a registered sender).

POST {sms_url} with HTTP Basic credentials and JSON {brandname, phone: "84912345678",
message, request_id}; the answer {"status": "accepted" | "duplicate", "sms_id": …}. The
request_id is our message id: the gateway ignores a repeated one (answers "duplicate" with the
first sms_id), which makes a resend after a crash safe. 4xx: refused for good; 429 and 5xx:
try again later. Another gateway's API means another small class with this interface.
"""

import httpx

from motcua_shared.contract.event_base import MessageChannel

from notify.adapters.provider_http import http_outcome
from notify.domain.delivery_policy import Outcome, SendResult
from notify.domain.message import Message
from notify.domain.phone import provider_phone


class SmsClient:
    channel = MessageChannel.SMS

    def __init__(
        self, http: httpx.AsyncClient, url: str, *, brandname: str, username: str, password: str
    ) -> None:
        self.http, self.url, self.brandname = http, url, brandname
        self.auth = httpx.BasicAuth(username, password)

    async def send(self, message: Message) -> SendResult:
        assert message.rendered is not None and message.phone is not None
        if message.rendered.sms_parts != 1:  # rendering guarantees it; never pay for a second part
            return SendResult(
                Outcome.PERMANENT, detail=f"sms would take {message.rendered.sms_parts} parts"
            )
        try:
            response = await self.http.post(
                self.url,
                auth=self.auth,
                json={
                    "brandname": self.brandname,
                    "phone": provider_phone(message.phone),
                    "message": message.rendered.sms_text,
                    "request_id": message.id,
                },
            )
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            return SendResult(
                Outcome.TRANSIENT, detail=f"sms gateway unreachable: {type(exc).__name__}"
            )
        body = _json(response)
        if response.status_code != 200:
            return SendResult(
                http_outcome(response.status_code),
                detail=f"sms http {response.status_code}: {body.get('error', '')}".rstrip(": "),
            )
        if body.get("status") in ("accepted", "duplicate") and body.get("sms_id"):
            return SendResult(
                Outcome.ACCEPTED, provider_id=str(body["sms_id"]), detail=f"sms {body['status']}"
            )
        return SendResult(
            Outcome.TRANSIENT, detail=f"sms gateway answer not understood: {body}"[:200]
        )


def _json(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
