"""The sandbox's e-mail API (the officer channel's stand-in): accepts `POST /email/send` with the
bearer key notify's defaults use, records every e-mail (a repeated `reference` is answered with
the first id and not recorded twice), and lists them at `GET /_sandbox/emails`."""

import uuid
from typing import Any

from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from motcua_shared.vietnam.timeutil import utcnow


class EmailRequest(BaseModel):
    to: str
    subject: str
    text: str
    reference: str | None = None
    from_: str | None = None

    model_config = {"populate_by_name": True, "extra": "ignore"}


def email_router(api_key: str) -> APIRouter:
    router = APIRouter(tags=["providers (sandbox)"])
    emails: list[dict[str, Any]] = []

    @router.post("/email/send", summary="E-mail API: send one e-mail", response_model=None)
    async def send(
        body: EmailRequest, authorization: str | None = Header(None)
    ) -> dict[str, Any] | JSONResponse:
        if authorization != f"Bearer {api_key}":
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        earlier = next(
            (e for e in emails if body.reference and e["reference"] == body.reference), None
        )
        if earlier is not None:
            return {"id": earlier["id"], "status": "duplicate"}
        email = body.model_dump(exclude={"from_"}) | {
            "id": "mail-" + uuid.uuid4().hex[:16],
            "at": utcnow().isoformat(),
        }
        emails.append(email)
        return {"id": email["id"], "status": "accepted"}

    @router.get(
        "/_sandbox/emails", tags=["sandbox controls"], summary="E-mails the e-mail API accepted"
    )
    async def received() -> list[dict[str, Any]]:
        return emails

    return router
