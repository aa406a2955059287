"""The one-stop table as CSV (UTF-8 with a BOM, so Excel reads the Vietnamese) and XLSX.

Names come from events (units, procedures, fields), so a text cell starting with = + - @, a tab or a
carriage return would run as a formula in a leader's spreadsheet (CSV injection, OWASP): in CSV it
gets a leading apostrophe; in XLSX it is stored as text with Excel's quote prefix, never a
formula."""

import csv
import io
from datetime import date

from fastapi import Response
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from reporting.app.one_stop import OneStopReport
from reporting.domain.report import OneStopRow

GROUP_HEADINGS = {"unit": "Đơn vị", "field": "Lĩnh vực", "procedure": "Thủ tục hành chính"}

COLUMNS = (
    ("to_handle", "Tổng số hồ sơ phải giải quyết"),
    ("carried_over", "Số hồ sơ kỳ trước chuyển qua"),
    ("received", "Số hồ sơ mới tiếp nhận"),
    ("received_online", "Tiếp nhận trực tuyến"),
    ("received_direct", "Tiếp nhận trực tiếp"),
    ("received_postal", "Tiếp nhận qua dịch vụ bưu chính công ích"),
    ("resolved", "Số hồ sơ đã giải quyết"),
    ("resolved_early", "Giải quyết trước hạn"),
    ("resolved_on_time", "Giải quyết đúng hạn"),
    ("resolved_late", "Giải quyết quá hạn"),
    ("resolved_refused", "Trong đó: từ chối giải quyết"),
    ("in_progress", "Số hồ sơ đang giải quyết"),
    ("in_progress_within_time", "Đang giải quyết trong hạn"),
    ("in_progress_overdue", "Đang giải quyết quá hạn"),
    ("withdrawn", "Số hồ sơ rút"),
    ("refused_at_desk", "Số hồ sơ từ chối tiếp nhận"),
    ("on_time_rate", "Tỷ lệ giải quyết đúng hạn (%)"),
    ("online_rate", "Tỷ lệ tiếp nhận trực tuyến (%)"),
)
_RATES = ("on_time_rate", "online_rate")

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: object) -> object:
    """A text that a spreadsheet would read as a formula, made plain text for CSV."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def headings(group_by: str) -> list[str]:
    return ["Mã", GROUP_HEADINGS[group_by], *(title for _, title in COLUMNS)]


def _values(row: OneStopRow) -> list[object]:
    values: list[object] = [row.key, row.label]
    for name, _ in COLUMNS:
        value = getattr(row, name)
        values.append(round(value * 100, 2) if name in _RATES and value is not None else value)
    return values


def _table(report: OneStopReport) -> list[list[object]]:
    return [_values(row) for row in (*report.rows, report.total)]


def file_name(scope: str, start: date, end: date, extension: str) -> str:
    return f"bao-cao-mot-cua_{scope}_{start.isoformat()}_{end.isoformat()}.{extension}"


def csv_response(report: OneStopReport, group_by: str, name: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headings(group_by))
    writer.writerows(["" if v is None else neutralised(v) for v in line] for line in _table(report))
    body = (
        "\ufeff" + buffer.getvalue()
    )  # the BOM: Excel otherwise reads UTF-8 as a legacy code page
    return Response(
        body.encode("utf-8"),
        media_type=CSV_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def xlsx_response(report: OneStopReport, group_by: str, title: str, name: str) -> Response:
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = "Báo cáo một cửa"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(headings(group_by))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for line in _table(report):
        sheet.append(line)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                cell.data_type = "s"  # openpyxl made it a formula ('f'); text, shown as typed
                cell.quotePrefix = True
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)  # the total
    sheet.column_dimensions["B"].width = 36
    buffer = io.BytesIO()
    workbook.save(buffer)
    return Response(
        buffer.getvalue(),
        media_type=XLSX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
