"""Tiếp nhận hồ sơ: find the procedure (with or without diacritics), tick its papers, see the
fee and the due date intake quotes now, enter the citizen, then complete → receipt slip,
incomplete → request to supplement, ineligible → refusal (Decree 118/2025/NĐ-CP; Circular
03/2025/TT-VPCP Appendix I forms 01–03)."""

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from motcua_shared.vietnam.timeutil import to_vn, utcnow

from desk.api.deps import checked_form, render, role_required, services, signed_in
from desk.app.ports import ServiceRefused
from desk.app.receive import FORM_FOR_STATUS, DeskCheckError, field_errors, receipt_body
from desk.domain.display_text import search

router = APIRouter(include_in_schema=False)


async def _procedures(request: Request, q: str | None) -> list[dict[str, Any]]:
    catalogue = await services(request).intake.get("/api/v1/procedures")
    return search(q, catalogue, "name", "code") if q else catalogue


async def _due(request: Request, unit: str, procedure: str) -> dict[str, Any]:
    return await services(request).intake.get(
        "/api/v1/calendar/due-date",
        unit=unit,
        procedure=procedure,
        received_at=to_vn(utcnow()).isoformat(),
    )


@router.get("/tiep-nhan")
async def receive_page(
    request: Request, q: str | None = None, procedure: str | None = None
) -> Response:
    officer = signed_in(request)
    role_required(officer, "desk")
    chosen = due = None
    if procedure:
        chosen = await services(request).intake.get(
            f"/api/v1/procedures/{quote(procedure, safe='')}"
        )
        due = await _due(request, officer.principal.unit, procedure)
    return render(
        request,
        "receive.html",
        q=q or "",
        procedures=await _procedures(request, q),
        chosen=chosen,
        due=due,
        form={},
        ticked=[],
        errors=[],
    )


@router.get("/tiep-nhan/thu-tuc")
async def procedure_results(request: Request, q: str | None = None) -> Response:
    """The htmx part: the matching procedures, as the officer types."""
    signed_in(request)
    return render(request, "_procedures.html", q=q or "", procedures=await _procedures(request, q))


@router.get("/tiep-nhan/han")
async def due_date_part(request: Request, procedure: str) -> Response:
    """The htmx part: the due date for a receipt now (refreshed every minute on the page)."""
    officer = signed_in(request)
    return render(request, "_due.html", due=await _due(request, officer.principal.unit, procedure))


@router.post("/tiep-nhan")
async def receive(request: Request) -> Response:
    officer = signed_in(request)
    role_required(officer, "desk")
    form = await checked_form(request)
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    ticked = [str(v) for v in form.getlist("paper")]
    procedure = await services(request).intake.get(
        f"/api/v1/procedures/{quote(values.get('procedure_code') or '-', safe='')}"
    )
    try:
        body = receipt_body(procedure, values, ticked)
        dossier = await services(request).intake.post("/api/v1/dossiers", officer.token, body)
    except (DeskCheckError, ServiceRefused) as exc:
        errors = [exc.message] if isinstance(exc, DeskCheckError) else field_errors(exc)
        return render(
            request,
            "receive.html",
            status_code=422,
            q="",
            procedures=[],
            chosen=procedure,
            due=await _due(request, officer.principal.unit, procedure["code"]),
            form=values,
            ticked=ticked,
            errors=errors,
        )
    return RedirectResponse(
        f"/ho-so/{dossier['code']}/in/{FORM_FOR_STATUS[dossier['status']]}", status_code=303
    )
