"""The report API for provincial systems (X-API-Key) and unit leaders (bearer token)."""

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response

from reporting.api import exports
from reporting.api.access import authorize, caller_scope
from reporting.api.deps import Services, services
from reporting.api.params import PeriodQuery, period_query
from reporting.api.schemas import (
    FEEDBACK_ON_TIME_RATE,
    ON_TIME_RATE,
    ONLINE_RATE,
    SATISFACTION_RATE,
    DeadlinesOut,
    FeedbackOut,
    IndicatorsOut,
    OneStopOut,
    OverdueOut,
    SatisfactionOut,
)
from reporting.app.deadline_report import deadline_report
from reporting.app.feedback_report import feedback_report
from reporting.app.one_stop import OneStopReport, indicators, one_stop_report
from reporting.app.overdue import overdue_now
from reporting.app.satisfaction_report import SatisfactionRow, satisfaction_report
from reporting.domain.scope import AccessScope, ReportTarget

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])

Svc = Annotated[Services, Depends(services)]
Scope = Annotated[AccessScope, Depends(caller_scope)]
Period = Annotated[PeriodQuery, Depends(period_query)]
OneStopGroup = Annotated[
    Literal["unit", "field", "procedure"], Query(description="Rows per unit, field or procedure")
]

CREDENTIALS = (
    "Send `X-API-Key` (a provincial system's key, scoped to a province or a set of units) or "
    "`Authorization: Bearer` (a leader's token: their unit). 401 without, 403 outside the scope, "
    "422 naming the parameter for bad input."
)


def _head(query: PeriodQuery, group_by: str) -> dict[str, object]:
    return {
        "unit": query.target.unit,
        "province": query.target.province,
        "from": query.start,
        "to": query.end,
        "group_by": group_by,
    }


def _scope_name(target: ReportTarget) -> str:
    return f"don-vi-{target.unit}" if target.unit is not None else f"tinh-{target.province}"


def _one_stop_body(query: PeriodQuery, group_by: str, report: OneStopReport) -> dict[str, object]:
    return _head(query, group_by) | {
        "rows": [row.as_dict() for row in report.rows],
        "total": report.total.as_dict(),
    }


async def _one_stop(
    svc: Services, scope: AccessScope, query: PeriodQuery, group_by: str
) -> OneStopReport:
    await authorize(svc, scope, query.target)
    return await one_stop_report(svc.reader, query.target, query.start, query.end, group_by)


def _download(report: OneStopReport, query: PeriodQuery, group_by: str, fmt: str) -> Response:
    name = exports.file_name(_scope_name(query.target), query.start, query.end, fmt)
    if fmt == "csv":
        return exports.csv_response(report, group_by, name)
    where = f"đơn vị {query.target.unit}" if query.target.unit else f"tỉnh {query.target.province}"
    title = f"Tình hình giải quyết TTHC {where}, từ {query.start:%d/%m/%Y} đến {query.end:%d/%m/%Y}"
    return exports.xlsx_response(report, group_by, title, name)


@router.get(
    "/one-stop",
    response_model=OneStopOut,
    summary="One-stop report table",
    description="Per unit, field or procedure for the period [from, to] "
    "(local dates, both included): carried over, received "
    "(online/direct/postal), resolved (early/on time/late, refused "
    "outcome among them), in progress at the end of `to` "
    "(within time/overdue), withdrawn, "
    "refused at the desk, with totals and rates. `format=csv|xlsx` downloads the table "
    "with Vietnamese headings. " + CREDENTIALS,
    responses={200: {"content": {exports.CSV_TYPE: {}, exports.XLSX_TYPE: {}}}},
)
async def one_stop(
    scope: Scope,
    svc: Svc,
    query: Period,
    group_by: OneStopGroup = "unit",
    format: Literal["json", "csv", "xlsx"] = "json",
) -> object:
    report = await _one_stop(svc, scope, query, group_by)
    if format != "json":
        return _download(report, query, group_by, format)
    return _one_stop_body(query, group_by, report)


@router.get(
    "/one-stop.csv",
    summary="One-stop report table as CSV (UTF-8 with BOM)",
    response_class=Response,
    responses={200: {"content": {exports.CSV_TYPE: {}}}},
)
async def one_stop_csv(
    scope: Scope, svc: Svc, query: Period, group_by: OneStopGroup = "unit"
) -> Response:
    return _download(await _one_stop(svc, scope, query, group_by), query, group_by, "csv")


@router.get(
    "/one-stop.xlsx",
    summary="One-stop report table as XLSX",
    response_class=Response,
    responses={200: {"content": {exports.XLSX_TYPE: {}}}},
)
async def one_stop_xlsx(
    scope: Scope, svc: Svc, query: Period, group_by: OneStopGroup = "unit"
) -> Response:
    return _download(await _one_stop(svc, scope, query, group_by), query, group_by, "xlsx")


def _satisfaction_out(row: SatisfactionRow) -> dict[str, object]:
    return asdict(row) | {"answers": row.answers, "satisfied_rate": row.satisfied_rate}


@router.get(
    "/satisfaction",
    response_model=SatisfactionOut,
    summary="Satisfaction tally",
    description="Answers in [from, to] (answer date, local) per unit, procedure, officer or month: "
    "không hài lòng / hài lòng / rất hài lòng and the satisfied rate. "
    + SATISFACTION_RATE
    + " "
    + CREDENTIALS,
)
async def satisfaction(
    scope: Scope,
    svc: Svc,
    query: Period,
    group_by: Annotated[Literal["unit", "procedure", "officer", "month"], Query()] = "unit",
) -> dict[str, object]:
    await authorize(svc, scope, query.target)
    rows, total = await satisfaction_report(
        svc.reader, query.target, query.start, query.end, group_by
    )
    return _head(query, group_by) | {
        "rows": [_satisfaction_out(r) for r in rows],
        "total": _satisfaction_out(total),
    }


@router.get(
    "/indicators",
    response_model=IndicatorsOut,
    summary="Service-index indicators (Decision 766/QĐ-TTg)",
    description="The figures a province scores units on, for [from, to]. on_time_rate: "
    + ON_TIME_RATE
    + " online_rate: "
    + ONLINE_RATE
    + " satisfaction_rate: "
    + SATISFACTION_RATE
    + " feedback_on_time_rate: "
    + FEEDBACK_ON_TIME_RATE
    + " (Publicity, online payment and digitisation are not events motcua sees.) "
    + CREDENTIALS,
)
async def indicator_figures(
    scope: Scope, svc: Svc, query: Period, group_by: OneStopGroup = "unit"
) -> dict[str, object]:
    await authorize(svc, scope, query.target)
    rows, total = await indicators(svc.reader, query.target, query.start, query.end, group_by)
    return _head(query, group_by) | {"rows": [asdict(r) for r in rows], "total": asdict(total)}


@router.get(
    "/deadlines",
    response_model=DeadlinesOut,
    summary="Deadline warnings, apologies and late dossiers",
    description="Per unit, field or procedure, on the local day each happened in "
    "[from, to]: dossiers "
    "warned before their due date (dossier.due_soon), apologised in time (before the "
    "statutory due date), went overdue while being processed (dossier.overdue), "
    "and resolved late. " + CREDENTIALS,
)
async def deadlines(
    scope: Scope, svc: Svc, query: Period, group_by: OneStopGroup = "unit"
) -> dict[str, object]:
    await authorize(svc, scope, query.target)
    rows, total = await deadline_report(svc.reader, query.target, query.start, query.end, group_by)
    return _head(query, group_by) | {"rows": [asdict(r) for r in rows], "total": asdict(total)}


@router.get(
    "/feedback",
    response_model=FeedbackOut,
    summary="Feedback handled on time (phản ánh, kiến nghị)",
    description="Feedback received in [from, to] (local day it came in) per unit or "
    "month: received, "
    "answered on time, answered late, still open. " + FEEDBACK_ON_TIME_RATE + " " + CREDENTIALS,
)
async def feedback(
    scope: Scope,
    svc: Svc,
    query: Period,
    group_by: Annotated[Literal["unit", "month"], Query()] = "unit",
) -> dict[str, object]:
    await authorize(svc, scope, query.target)
    rows, total = await feedback_report(svc.reader, query.target, query.start, query.end, group_by)
    return _head(query, group_by) | {"rows": [r.as_dict() for r in rows], "total": total.as_dict()}


@router.get(
    "/overdue",
    response_model=OverdueOut,
    summary="Dossiers overdue now",
    description="Codes of the unit's dossiers still open and past their due day today "
    "(Asia/Ho_Chi_Minh), "
    "oldest due first, with the procedure and the calendar days late (working days are not "
    "counted). A dossier waiting for the citizen's supplementary papers is not listed: its "
    "clock is stopped. An apology's new date does not take a dossier off the list. " + CREDENTIALS,
)
async def overdue(
    scope: Scope,
    svc: Svc,
    unit: Annotated[str, Query(min_length=1, max_length=32, description="Mã đơn vị")],
) -> dict[str, object]:
    await authorize(svc, scope, ReportTarget(unit=unit))
    today, dossiers = await overdue_now(svc.reader, unit, svc.clock())
    return {"unit": unit, "as_of": today, "dossiers": [asdict(d) for d in dossiers]}
