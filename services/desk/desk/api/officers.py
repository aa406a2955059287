"""The unit admin's page (quản trị): the unit's accounts, create one, disable or enable one,
through intake's `/api/v1/officers` (accounts live there; Decree 118/2025/NĐ-CP: officers act
in their own name)."""

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from desk.api.deps import checked_form, render, role_required, services, signed_in
from desk.app.ports import ServiceRefused

router = APIRouter(include_in_schema=False)
ROLE_LABELS = {
    "desk": "Một cửa",
    "specialist": "Chuyên môn",
    "leader": "Lãnh đạo",
    "admin": "Quản trị",
}


async def _page(request: Request, error: str | None = None, status_code: int = 200) -> Response:
    officer = signed_in(request)
    role_required(officer, "admin")
    answer = await services(request).intake.get("/api/v1/officers", officer.token)
    return render(
        request,
        "officers.html",
        status_code=status_code,
        accounts=answer["officers"],
        role_labels=ROLE_LABELS,
        error=error,
    )


@router.get("/quan-tri")
async def officers_page(request: Request) -> Response:
    return await _page(request)


@router.post("/quan-tri")
async def create(request: Request) -> Response:
    officer = signed_in(request)
    role_required(officer, "admin")
    form = await checked_form(request)
    body = {
        "username": str(form.get("username") or "").strip().lower(),
        "full_name": str(form.get("full_name") or "").strip(),
        "roles": [str(r) for r in form.getlist("roles")],
        "password": str(form.get("password") or ""),
    }
    try:
        await services(request).intake.post("/api/v1/officers", officer.token, body)
    except ServiceRefused as exc:
        return await _page(request, "; ".join([exc.message, *exc.details]), exc.status)
    return RedirectResponse("/quan-tri", status_code=303)


@router.post("/quan-tri/{username}/{change}")
async def disable_or_enable(request: Request, username: str, change: str) -> Response:
    officer = signed_in(request)
    role_required(officer, "admin")
    await checked_form(request)
    action = {"khoa": "disable", "mo": "enable"}.get(change)
    if action is None:
        return await _page(request, "Thao tác không tồn tại", 404)
    try:
        await services(request).intake.post(
            f"/api/v1/officers/{quote(username, safe='')}/{action}", officer.token
        )
    except ServiceRefused as exc:
        return await _page(request, exc.message, exc.status)
    return RedirectResponse("/quan-tri", status_code=303)
