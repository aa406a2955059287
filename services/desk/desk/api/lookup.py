"""The citizen's look-up page (public, mobile first), reached from the slip's QR code:
`GET /tra-cuu/{code}` only shows the form (never a look-up attempt), `POST` asks intake's public
look-up with the last 4 phone digits (Decree 118/2025/NĐ-CP: citizens follow their dossier;
Decree 13/2023: no name and no phone are shown). Result files, when intake lists them, are links."""

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from desk.api.deps import checked_form, render, services
from desk.app.ports import ServiceRefused

router = APIRouter(include_in_schema=False)


@router.get("/tra-cuu/{code}")
async def lookup_form(request: Request, code: str) -> Response:
    return render(request, "lookup.html", code=code, result=None, error=None)


@router.post("/tra-cuu/{code}")
async def lookup(request: Request, code: str) -> Response:
    form = await checked_form(request)
    digits = str(form.get("phone_last4") or "").strip()
    client = request.client.host if request.client else ""
    try:
        answer = await services(request).intake.request(
            "GET",
            f"/api/v1/public/dossiers/{quote(code, safe='')}",
            params={"phone_last4": digits},
            headers={"X-Forwarded-For": client},
        )
    except ServiceRefused as exc:
        return render(
            request,
            "lookup.html",
            status_code=exc.status,
            code=code,
            result=None,
            error=exc.message,
        )
    return render(request, "lookup.html", code=code, result=answer.json(), error=None)
