"""`GET /api/v1/worklists/{name}` and `GET /api/v1/worklists/search?q=`: the desk's lists of its
unit's dossiers (domain/worklists.py), each row with its status in words and working days left."""

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from motcua_shared.vietnam.timeutil import to_vn

from intake.api.deps import OFFICERS, AppDep, PrincipalDep, actor_dep, services
from intake.api.views import STATUS_VI
from intake.app.calendars import calendar_for
from intake.app.context import Actor
from intake.app.ports import WorkLists
from intake.domain.calendar import WorkingCalendar, local_date
from intake.domain.citizen import normalise_phone
from intake.domain.dossier import Dossier
from intake.domain.errors import RuleViolation
from intake.domain.worklists import WorkList, list_filter, working_days_left

DOSSIER_CODE = re.compile(r"^[A-Za-z0-9.]+-\d{6}-\d{4,}")  # <unit>-YYMMDD-NNNN (maybe -<agency>)


def _row(dossier: Dossier, today: Any, calendar: WorkingCalendar) -> dict[str, Any]:
    due = local_date(dossier.due_at) if dossier.due_at else None
    return {
        "code": dossier.code,
        "procedure_code": dossier.procedure_code,
        "procedure_name": dossier.procedure_name,
        "citizen_name": dossier.citizen.full_name,
        "status": dossier.status.value,
        "status_label": STATUS_VI[dossier.status.value],
        "channel": dossier.channel.value,
        "received_at": to_vn(dossier.received_at).isoformat() if dossier.received_at else None,
        "due_date": due.isoformat() if due else None,
        "days_left": working_days_left(due, today, calendar)
        if due and dossier.status.value in ("received", "in_progress")
        else None,
        "current_officer_id": dossier.current_officer_id,
        "home_visits": [v.visit_date.isoformat() for v in dossier.home_visits],
    }


def worklists_router(principal: PrincipalDep) -> APIRouter:
    router = APIRouter(prefix="/api/v1/worklists", tags=["work lists / danh sách hồ sơ"])
    officer = actor_dep(principal, OFFICERS)

    async def lists(request: Request) -> WorkLists:
        return services(request).worklists

    ListsDep = Annotated[WorkLists, Depends(lists)]

    @router.get(
        "/search", summary="Tìm theo mã hồ sơ hoặc số điện thoại / search by dossier code or phone"
    )
    async def search(
        app: AppDep,
        store: ListsDep,
        q: Annotated[str, Query(min_length=3, max_length=64)],
        actor: Actor = officer,
    ) -> dict[str, Any]:
        text = q.strip()
        code = phone = None
        if DOSSIER_CODE.match(text):
            code = text.upper()
        else:
            try:
                phone = normalise_phone(text)
            except RuleViolation:
                code = text.upper()
        now = app.clock()
        calendar = await calendar_for(app, actor.unit_code)
        rows = await store.search(actor.unit_code, code, phone)
        return {"q": text, "dossiers": [_row(d, local_date(now), calendar) for d in rows]}

    @router.get("/{name}", summary="Danh sách công việc / a work list of your unit")
    async def work_list(
        name: WorkList, app: AppDep, store: ListsDep, actor: Actor = officer
    ) -> dict[str, Any]:
        now = app.clock()
        today = local_date(now)
        calendar = await calendar_for(app, actor.unit_code)
        rows = await store.find(
            list_filter(name, actor.unit_code, actor.officer_id, now, today, calendar)
        )
        return {
            "list": name.value,
            "today": today.isoformat(),
            "dossiers": [_row(d, today, calendar) for d in rows],
        }

    return router
