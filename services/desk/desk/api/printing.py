"""Printable forms of Circular 03/2025/TT-VPCP Appendix I (01 receipt and appointment slip, 02
request to supplement, 03 refusal, 04 apology and new date, 06 control slip): HTML with print CSS
on one A5 page (A4 for the control slip), each with a QR code of the public look-up link."""

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from desk.api.deps import render, services, signed_in
from desk.domain.forms import FORMS, lookup_link

router = APIRouter(include_in_schema=False)


@router.get("/ho-so/{code}/in/{slug}")
async def print_form(request: Request, code: str, slug: str) -> Response:
    officer = signed_in(request)
    spec = FORMS.get(slug)
    if spec is None:
        return render(request, "error.html", status_code=404, message="Không có mẫu phiếu này")
    dossier = await services(request).intake.get(
        f"/api/v1/dossiers/{quote(code, safe='')}", officer.token
    )
    link = lookup_link(services(request).settings.public_url, dossier["code"])
    unit = await services(request).intake.get(
        f"/api/v1/units/{quote(dossier['unit_code'], safe='')}"
    )
    apologies = [e for e in dossier["history"] if e["action"] == "apologise"]
    return render(
        request,
        f"forms/{slug}.html",
        spec=spec,
        dossier=dossier,
        unit=unit,
        link=link,
        qr=services(request).qr(link),
        apology=apologies[-1] if apologies else None,
    )
