"""Working calendar: the due-date quote (public, shown before receiving) and the unit's own
days off / extra working days (read publicly, edited by the unit's admin)."""

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from motcua_shared.vietnam.timeutil import to_vn

from intake.api.catalogue import UNIT_CODE
from intake.api.deps import AppDep, PrincipalDep, actor_dep
from intake.api.schemas import CalendarOverridesRequest
from intake.app import calendars
from intake.app.context import Actor
from intake.domain.calendar import CalendarOverrides


def _overrides_body(unit: str, overrides: CalendarOverrides) -> dict[str, Any]:
    return {
        "unit": unit,
        "extra_days_off": sorted(d.isoformat() for d in overrides.extra_days_off),
        "extra_working_days": sorted(d.isoformat() for d in overrides.extra_working_days),
    }


def calendar_router(principal: PrincipalDep) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["calendar / lịch làm việc"])

    @router.get(
        "/calendar/due-date",
        summary="Ngày hẹn trả kết quả / the due date for a receipt",
        description="Ngày hẹn = ngày làm việc thứ N sau ngày tiếp nhận (giờ Việt Nam; "
        "nhận vào ngày nghỉ tính "
        "từ ngày làm việc tiếp theo); thủ tục trong ngày: nhận đến 15:00 trả trong ngày, sau 15:00 "
        "trả ngày làm việc tiếp theo. / The N-th working day "
        "after the receipt date (a receipt on a "
        "day off counts from the next working day); same-day procedures are due that day if "
        "received by the cut-off, the next working day if received after it.",
    )
    async def due_date(
        app: AppDep,
        unit: Annotated[str, Query(description="Mã đơn vị / unit code")],
        procedure: Annotated[str, Query(description="Mã thủ tục / procedure code")],
        received_at: Annotated[
            AwareDatetime, Query(description="ISO 8601 có múi giờ / aware ISO datetime")
        ],
    ) -> dict[str, Any]:
        quote = await calendars.quote_due_date(app, unit, procedure, received_at)
        limit = quote.procedure.time_limit
        return {
            "unit": quote.unit.code,
            "procedure": quote.procedure.code,
            "received_at": to_vn(received_at).isoformat(),
            "due_date": quote.due_date.isoformat(),
            "due_at": to_vn(quote.due_at).isoformat(),
            "time_limit": {
                "working_days": limit.working_days,
                "same_day": limit.same_day,
                "cutoff": limit.cutoff.strftime("%H:%M") if limit.cutoff else None,
            },
        }

    @router.get(
        "/units/{unit}/calendar-overrides",
        summary="Ngày nghỉ / làm bù riêng của đơn vị / unit overrides",
    )
    async def read_overrides(app: AppDep, unit: Annotated[str, UNIT_CODE]) -> dict[str, Any]:
        await calendars.known_unit(app, unit)
        return _overrides_body(unit, await app.catalogue.overrides(unit))

    @router.put(
        "/units/{unit}/calendar-overrides",
        summary="Sửa ngày nghỉ riêng (quản trị) / edit overrides (admin)",
    )
    async def write_overrides(
        app: AppDep,
        unit: Annotated[str, UNIT_CODE],
        body: CalendarOverridesRequest,
        actor: Actor = actor_dep(principal, ("admin",)),
    ) -> dict[str, Any]:
        overrides = await calendars.set_overrides(
            app, actor, unit, body.extra_days_off, body.extra_working_days
        )
        return _overrides_body(unit, overrides)

    return router
