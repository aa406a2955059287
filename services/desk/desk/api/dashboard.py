"""Leader dashboard (lãnh đạo): reporting's one-stop report and satisfaction for the unit and a
month, the rates, charts (Chart.js, served from this app), the suggestion box (survey), and the
CSV/XLSX export passed through with the leader's token (Decree 118/2025/NĐ-CP)."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from motcua_shared.vietnam.timeutil import to_vn, utcnow

from desk.api.deps import render, role_required, services, signed_in
from desk.app.dashboard import ONE_STOP_ROWS, SATISFACTION_ROWS, Month, chart_data, percent

router = APIRouter(include_in_schema=False)


@router.get("/lanh-dao")
async def dashboard(request: Request, thang: str | None = None) -> Response:
    officer = signed_in(request)
    role_required(officer, "leader")
    today = to_vn(utcnow()).date()
    month = Month.parse(thang, today)
    unit = officer.principal.unit
    period = {"unit": unit, "from": month.first.isoformat(), "to": month.until(today).isoformat()}
    svc = services(request)
    one_stop = await svc.reporting.get("/api/v1/reports/one-stop", officer.token, **period)
    satisfaction = await svc.reporting.get("/api/v1/reports/satisfaction", officer.token, **period)
    suggestions = await svc.survey.get(
        f"/api/v1/units/{unit}/suggestions", officer.token, month=month.key
    )
    total, happy = one_stop["total"], satisfaction["total"]
    return render(
        request,
        "dashboard.html",
        month=month,
        total=total,
        happy=happy,
        rows=ONE_STOP_ROWS,
        satisfaction_rows=SATISFACTION_ROWS,
        percent=percent,
        charts=chart_data(total, happy),
        suggestions=suggestions["suggestions"],
        until=month.until(today),
    )


@router.get("/lanh-dao/bao-cao.{fmt}")
async def export(request: Request, fmt: str, thang: str | None = None) -> Response:
    officer = signed_in(request)
    role_required(officer, "leader")
    if fmt not in ("csv", "xlsx"):
        return render(request, "error.html", status_code=404, message="Chỉ có CSV hoặc XLSX")
    today = to_vn(utcnow()).date()
    month = Month.parse(thang, today)
    answer = await services(request).reporting.request(
        "GET",
        f"/api/v1/reports/one-stop.{fmt}",
        officer.token,
        params={
            "unit": officer.principal.unit,
            "from": month.first.isoformat(),
            "to": month.until(today).isoformat(),
        },
    )
    headers = {
        k: v
        for k, v in answer.headers.items()
        if k.lower() in ("content-type", "content-disposition")
    }
    return Response(answer.content, headers=headers)
