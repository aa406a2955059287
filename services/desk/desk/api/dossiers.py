"""Work lists (danh sách hồ sơ) and the dossier page: its timeline (the control slip, Circular
03/2025/TT-VPCP form 06) and only the actions its state allows and the officer's roles may take,
each confirmed on a second step; intake's refusal is shown in Vietnamese as it gave it
(Decree 118/2025/NĐ-CP: the one-stop section follows every dossier to its result)."""

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from desk.api.deps import Officer, checked_form, render, services, signed_in
from desk.app.ports import ServiceRefused
from desk.domain.actions import TASK_ACTION, body_from_form, describe, offered, spec_of
from desk.domain.forms import printable
from desk.domain.worklists import WORK_LISTS

router = APIRouter(include_in_schema=False)


def _path(code: str) -> str:
    return f"/api/v1/dossiers/{quote(code, safe='')}"


@router.get("/ho-so")
async def work_lists(
    request: Request, ds: str = "received_today", q: str | None = None
) -> Response:
    officer = signed_in(request)
    intake = services(request).intake
    if q and q.strip():
        rows = (await intake.get("/api/v1/worklists/search", officer.token, q=q.strip()))[
            "dossiers"
        ]
        title = f"Kết quả tìm “{q.strip()}”"
    else:
        ds = ds if ds in WORK_LISTS else "received_today"
        rows = (await intake.get(f"/api/v1/worklists/{ds}", officer.token))["dossiers"]
        title = WORK_LISTS[ds]
    return render(
        request, "worklists.html", lists=WORK_LISTS, current=ds, q=q or "", rows=rows, title=title
    )


async def _officers(request: Request, officer: Officer) -> list[dict[str, Any]]:
    answer = await services(request).intake.get("/api/v1/officers", officer.token)
    return [o for o in answer["officers"] if not o["disabled"]]


async def dossier_page(
    request: Request,
    officer: Officer,
    code: str,
    *,
    error: str | None = None,
    details: list[str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    dossier = await services(request).intake.get(_path(code), officer.token)
    done = {entry["action"] for entry in dossier["history"]}
    actions = offered(dossier["allowed_actions"], officer.roles, linked=bool(dossier["tasks"]))
    linked = officer.has("specialist", "leader") and dossier["status"] in (
        "received",
        "in_progress",
    )
    return render(
        request,
        "dossier.html",
        status_code=status_code,
        dossier=dossier,
        actions=actions,
        forms=printable(dossier["status"], done),
        error=error,
        details=details or [],
        notice=notice,
        officers=await _officers(request, officer)
        if any(a.name == "hand-over" for a in actions)
        else [],
        tasks_open=linked,
    )


@router.get("/ho-so/{code}")
async def dossier(request: Request, code: str) -> Response:
    return await dossier_page(request, signed_in(request), code)


@router.post("/ho-so/{code}/thao-tac/{action}")
async def act(request: Request, code: str, action: str) -> Response:
    """First post: the confirmation page; second (with `confirmed`): intake does it."""
    officer = signed_in(request)
    form = await checked_form(request)
    spec = spec_of(action)
    if spec is None:
        return await dossier_page(
            request, officer, code, error="Thao tác không tồn tại", status_code=404
        )
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    body = body_from_form(spec, values)
    agency = values.get("agency", "")
    if values.get("confirmed") != "1":
        label = f"{spec.label}: {agency}" if spec is TASK_ACTION else spec.label
        return render(
            request,
            "confirm.html",
            code=code,
            action=action,
            label=label,
            question=spec.confirm,
            values=values,
            lines=describe(spec, body),
        )
    path = (
        f"{_path(code)}/tasks/{quote(agency, safe='')}/resolve"
        if spec is TASK_ACTION
        else f"{_path(code)}/{action}"
    )
    try:
        await services(request).intake.post(path, officer.token, body)
    except ServiceRefused as exc:
        return await dossier_page(
            request, officer, code, error=exc.message, details=exc.details, status_code=exc.status
        )
    return RedirectResponse(f"/ho-so/{quote(code, safe='')}?xong={quote(action)}", status_code=303)
