"""The officer channel: a transactional e-mail HTTP API (one small client per provider, like
ZaloClient and SmsClient). `POST {NOTIFY_EMAIL_URL}` with a bearer key and JSON `to`, `subject`,
`text`, `reference` (our alert id, so the provider can drop a repeat); 2xx with `id` = accepted.
The sandbox (`notify-sandbox`, `/email/send`) records what it gets."""

import httpx

from notify.domain.officer_alerts import OfficerAlert


class EmailRefused(Exception):
    """The provider did not accept the e-mail (the event is redelivered and tried again)."""


class EmailClient:
    def __init__(self, http: httpx.AsyncClient, url: str, api_key: str, sender: str) -> None:
        self.http, self.url, self.api_key, self.sender = http, url, api_key, sender

    async def send(self, alert: OfficerAlert) -> str:
        try:
            answer = await self.http.post(
                self.url,
                headers={"Authorization": f"Bearer {self.api_key}"},
                json={
                    "from": self.sender,
                    "to": alert.email,
                    "subject": alert.subject,
                    "text": alert.text,
                    "reference": alert.id,
                },
            )
        except httpx.HTTPError as exc:
            raise EmailRefused(f"{type(exc).__name__}: {exc}") from exc
        if answer.status_code // 100 != 2:
            raise EmailRefused(f"http {answer.status_code}: {answer.text[:200]}")
        return str(answer.json().get("id", ""))
