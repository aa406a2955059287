"""Who sees what (API keys, leaders' tokens), bad parameters, and the CSV / XLSX downloads."""

import asyncio
import csv
import io
import os
import re
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reporting.adapters.mongo_collections import API_KEYS
from reporting.app.api_keys import hash_key
from reporting.domain.scope import AccessScope

from .conftest import UNIT_A, UNIT_B, leader

FEB = {"from": "2026-02-01", "to": "2026-02-28"}
ONE_STOP = "/api/v1/reports/one-stop"


@pytest.mark.parametrize(
    ("key", "params", "status"),
    [
        ("p79", {"province": "79"}, 200),
        ("p79", {"unit": UNIT_A.code}, 200),
        ("p79", {"province": "92"}, 403),
        ("p79", {"unit": UNIT_B.code}, 403),  # a unit of another province
        ("p79", {"unit": "99999"}, 403),  # a unit nobody has seen: not provably in 79
        ("p92", {"unit": UNIT_B.code}, 200),
        ("units", {"unit": UNIT_A.code}, 200),
        ("units", {"unit": UNIT_B.code}, 403),
        ("units", {"province": "79"}, 403),  # a set of units is not the province
    ],
)
async def test_an_api_key_sees_only_its_scope(http, keys, projected_month, key, params, status):
    response = await http.get(ONE_STOP, params=params | FEB, headers=keys[key])
    assert response.status_code == status, response.text
    if status == 403:
        assert response.json()["error"] == "forbidden"


async def test_leaders_see_their_unit_only(http, settings, projected_month):
    ok = await http.get(
        ONE_STOP, params={"unit": UNIT_A.code} | FEB, headers=leader(settings, UNIT_A.code)
    )
    assert ok.status_code == 200
    other = await http.get(
        ONE_STOP, params={"unit": UNIT_B.code} | FEB, headers=leader(settings, UNIT_A.code)
    )
    province = await http.get(
        ONE_STOP, params={"province": "79"} | FEB, headers=leader(settings, UNIT_A.code)
    )
    desk = await http.get(
        ONE_STOP,
        params={"unit": UNIT_A.code} | FEB,
        headers=leader(settings, UNIT_A.code, ("desk",)),
    )
    assert (other.status_code, province.status_code, desk.status_code) == (403, 403, 403)


async def test_missing_or_bad_credentials_are_401(http, app, mongo):
    params = {"unit": UNIT_A.code} | FEB
    assert (await http.get(ONE_STOP, params=params)).status_code == 401
    assert (
        await http.get(ONE_STOP, params=params, headers={"X-API-Key": "mcr_nope"})
    ).status_code == 401
    bad_token = {"Authorization": "Bearer not-a-jwt"}
    assert (await http.get(ONE_STOP, params=params, headers=bad_token)).status_code == 401
    record, key = await app.state.services.api_keys.create("tạm", AccessScope(province="79"))
    stored = await mongo[API_KEYS].find_one({"_id": record.key_id})
    assert key not in repr(stored) and stored["hash"] == hash_key(
        app.state.services.settings.api_key_secret, key
    )
    province = {"province": "79"} | FEB
    assert (
        await http.get(ONE_STOP, params=province, headers={"X-API-Key": key})
    ).status_code == 200
    assert await app.state.services.api_keys.revoke(record.key_id)
    assert (
        await http.get(ONE_STOP, params=province, headers={"X-API-Key": key})
    ).status_code == 401


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"unit": UNIT_A.code, "from": "2026-03-01", "to": "2026-02-01"}, "from"),
        ({"unit": UNIT_A.code, "from": "2026-02-30", "to": "2026-03-01"}, "from"),
        ({"unit": UNIT_A.code, "from": "2026-02-01"}, "to"),
        (
            {"unit": UNIT_A.code, "from": "0001-01-01", "to": "0001-01-01"},
            "from",
        ),  # was a 500 (date overflow)
        ({"unit": UNIT_A.code, "from": "2026-02-01", "to": "9999-12-31"}, "to"),
        ({"unit": UNIT_A.code, "province": "79"} | FEB, "unit"),
        (FEB, "unit"),
        ({"unit": UNIT_A.code, "group_by": "officer"} | FEB, "group_by"),
    ],
)
async def test_bad_parameters_are_422_naming_the_parameter(http, keys, params, field):
    response = await http.get(ONE_STOP, params=params, headers=keys["p79"])
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == [field]
    assert errors[0]["reason"] and errors[0]["reason_en"]


async def test_csv_download_has_a_bom_and_vietnamese_headings(http, keys, projected_month):
    for url, params in ((ONE_STOP + ".csv", {}), (ONE_STOP, {"format": "csv"})):
        response = await http.get(
            url,
            params={"unit": UNIT_A.code, "group_by": "field"} | FEB | params,
            headers=keys["p79"],
        )
        assert response.status_code == 200 and response.headers["content-type"].startswith(
            "text/csv"
        )
        assert response.content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][:4] == [
            "Mã",
            "Lĩnh vực",
            "Tổng số hồ sơ phải giải quyết",
            "Số hồ sơ kỳ trước chuyển qua",
        ]
        assert [r[0] for r in rows[1:]] == ["chung-thuc", "dat-dai", "ho-tich", "total"]
        total = dict(zip(rows[0], rows[-1], strict=True))
        assert (total["Giải quyết quá hạn"], total["Tỷ lệ giải quyết đúng hạn (%)"]) == (
            "2",
            "71.43",
        )


async def test_xlsx_download_opens_with_vietnamese_headings(http, keys, projected_month):
    response = await http.get(
        ONE_STOP, params={"province": "79", "format": "xlsx"} | FEB, headers=keys["p79"]
    )
    assert response.status_code == 200
    assert (
        'filename="bao-cao-mot-cua_tinh-79_2026-02-01_2026-02-28.xlsx"'
        in response.headers["content-disposition"]
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "tỉnh 79" in rows[0][0]
    assert rows[1][1] == "Đơn vị" and "Giải quyết trước hạn" in rows[1]
    assert rows[2][:3] == (UNIT_A.code, UNIT_A.name, 10)  # to handle
    assert rows[-1][0] == "total"


async def test_the_apikey_command_creates_lists_and_revokes(http, settings, projected_month):
    env = os.environ | {"MONGODB_URL": settings.mongodb_url, "REPORTING_DB_NAME": settings.db_name}
    command = str(Path(sys.executable).with_name("reporting-apikey"))

    async def run(*args: str) -> str:
        process = await asyncio.create_subprocess_exec(
            command, *args, env=env, stdout=asyncio.subprocess.PIPE
        )
        out, _ = await process.communicate()
        assert process.returncode == 0
        return out.decode()

    created = await run("create", "--name", "Sở Nội vụ Cần Thơ", "--province", "92")
    key = re.search(r"X-API-Key: (\S+)", created).group(1)
    key_id = re.search(r"key id (\S+)", created).group(1)
    listed = await run("list")
    assert key_id in listed and "province 92" in listed and key not in listed
    params = {"unit": UNIT_B.code} | FEB
    assert (await http.get(ONE_STOP, params=params, headers={"X-API-Key": key})).status_code == 200
    await run("revoke", key_id)
    assert (await http.get(ONE_STOP, params=params, headers={"X-API-Key": key})).status_code == 401
