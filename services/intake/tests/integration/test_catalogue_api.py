"""The public catalogue, loaded idempotently from the package's demo data."""

import unicodedata

from intake.adapters.seed import seed_demo


async def test_catalogue_is_public_and_covers_the_seed_fields(intake):
    response = await intake.http.get("/api/v1/procedures")
    assert response.status_code == 200
    procedures = response.json()
    assert len(procedures) >= 12
    assert {p["field"]["code"] for p in procedures} >= {
        "ho-tich",
        "chung-thuc",
        "dat-dai",
        "ldtbxh",
        "thi-dua-khen-thuong",
    }
    same_day = [p for p in procedures if p["time_limit"]["working_days"] == 0]
    assert same_day and all(p["time_limit"]["cutoff"] == "15:00:00" for p in same_day)
    linked = [p for p in procedures if p["linked_tasks"]]
    assert {p["civil_status_event"] for p in linked} == {"birth", "death"}
    for p in procedures:
        assert (
            unicodedata.is_normalized("NFC", p["name"])
            and p["required_papers"]
            and p["fee_vnd"] >= 0
        )


async def test_one_procedure_and_unknown_is_404(intake):
    found = await intake.http.get("/api/v1/procedures/2.000843")
    assert found.status_code == 200 and found.json()["fee_vnd"] == 2000
    missing = await intake.http.get("/api/v1/procedures/0.000000")
    assert missing.status_code == 404 and missing.json()["message"] and missing.json()["message_en"]


async def test_units_form_a_province_commune_hierarchy(intake):
    units = {u["code"]: u for u in (await intake.http.get("/api/v1/units")).json()}
    communes = [u for u in units.values() if u["level"] == "commune"]
    assert len({u["province_code"] for u in communes}) >= 2
    assert sum(1 for u in communes if u["province_code"] == "79") >= 2
    for commune in communes:
        assert units[commune["parent_code"]]["level"] == "province"


async def test_seeding_twice_changes_nothing(intake):
    before = (
        await intake.db.units.count_documents({}),
        await intake.db.procedures.count_documents({}),
    )
    await seed_demo(intake.db)
    assert (
        await intake.db.units.count_documents({}),
        await intake.db.procedures.count_documents({}),
    ) == before
