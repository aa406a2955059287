"""Query parameters every report shares, checked at the edge: 422 names the parameter, in
Vietnamese and English, in the same shape as the shared validation errors."""

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, Query

from motcua_shared.vietnam.timeutil import FIRST_DAY, LAST_DAY
from motcua_shared.web.api_errors import ApiError

from reporting.domain.scope import ReportTarget


def invalid_param(name: str, vi: str, en: str) -> ApiError:
    item = {"field": name, "location": "query", "reason": vi, "reason_en": en}
    return ApiError(
        422,
        "validation_failed",
        f"Dữ liệu không hợp lệ: {name}",
        f"Invalid input: {name}",
        field=name,
        extra={"errors": [item]},
    )


# A malformed code is bad input (422), checked before the caller's scope (403), as everywhere.
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


async def report_target(
    unit: Annotated[
        str | None,
        Query(
            min_length=1, max_length=32, pattern=CODE_PATTERN, description="Mã đơn vị / unit code"
        ),
    ] = None,
    province: Annotated[
        str | None,
        Query(
            min_length=1, max_length=8, pattern=CODE_PATTERN, description="Mã tỉnh / province code"
        ),
    ] = None,
) -> ReportTarget:
    if unit is not None and province is not None:
        raise invalid_param(
            "unit",
            "Chỉ chọn một trong hai: unit hoặc province",
            "Give either unit or province, not both",
        )
    if unit is None and province is None:
        raise invalid_param("unit", "Cần chọn unit hoặc province", "Give unit or province")
    return ReportTarget(unit=unit, province=province)


@dataclass(frozen=True)
class PeriodQuery:
    target: ReportTarget
    start: date
    end: date


async def period_query(
    target: Annotated[ReportTarget, Depends(report_target)],
    start: Annotated[
        date,
        Query(alias="from", description="Ngày đầu kỳ (YYYY-MM-DD, giờ Việt Nam), tính cả ngày này"),
    ],
    end: Annotated[
        date,
        Query(alias="to", description="Ngày cuối kỳ (YYYY-MM-DD, giờ Việt Nam), tính cả ngày này"),
    ],
) -> PeriodQuery:
    for name, day in (("from", start), ("to", end)):
        if not FIRST_DAY <= day <= LAST_DAY:
            raise invalid_param(
                name,
                f"Ngày phải từ {FIRST_DAY:%d/%m/%Y} đến {LAST_DAY:%d/%m/%Y}",
                f"{name} must be between {FIRST_DAY} and {LAST_DAY}",
            )
    if start > end:
        raise invalid_param(
            "from",
            "Ngày bắt đầu (from) phải không sau ngày kết thúc (to)",
            "from must not be after to",
        )
    return PeriodQuery(target, start, end)
