"""The due-date quote (public) and the unit's calendar overrides (admin)."""

import httpx
import pytest

from motcua_shared.testing.plugin import eventually

from intake.main import create_app

from .conftest import COPY_CERT, DISABILITY, OTHER_UNIT, UNIT


async def quote(intake, received_at: str, procedure: str = DISABILITY, unit: str = UNIT):
    return await intake.http.get(
        "/api/v1/calendar/due-date",
        params={"unit": unit, "procedure": procedure, "received_at": received_at},
    )


@pytest.mark.parametrize(
    ("received_at", "procedure", "due_date"),
    [
        (
            "2026-02-13T09:00:00+07:00",
            DISABILITY,
            "2026-02-27",
        ),  # Tết 16–20 Feb: 5 working days → Fri 27
        ("2026-04-24T09:00:00+07:00", DISABILITY, "2026-05-06"),  # Hùng Kings (27 Apr), 30/4, 1/5
        ("2026-08-17T09:00:00+07:00", DISABILITY, "2026-08-22"),  # the make-up Saturday counts
        ("2026-03-10T14:59:00+07:00", COPY_CERT, "2026-03-10"),  # same day before 15:00
        ("2026-03-10T15:00:00+07:00", COPY_CERT, "2026-03-10"),  # exactly 15:00 is not after it
        ("2026-03-10T15:00:01+07:00", COPY_CERT, "2026-03-11"),  # after the cut-off
        ("2026-03-14T09:00:00+07:00", DISABILITY, "2026-03-23"),  # Saturday: 5 days from Mon 16
        ("2026-03-10T08:30:00Z", COPY_CERT, "2026-03-11"),  # 15:30 in Hà Nội
    ],
)
async def test_due_date_quote(intake, received_at, procedure, due_date):
    response = await quote(intake, received_at, procedure)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["due_date"] == due_date
    assert body["due_at"] == f"{due_date}T23:59:59.999000+07:00"


async def test_naive_datetime_and_unknown_procedure_are_422(intake):
    naive = await quote(intake, "2026-03-10T09:00:00")
    assert naive.status_code == 422 and naive.json()["errors"][0]["field"] == "received_at"
    assert naive.json()["errors"][0]["reason"] != naive.json()["errors"][0]["reason_en"]
    unknown = await quote(intake, "2026-03-10T09:00:00+07:00", procedure="0.000000")
    assert unknown.status_code == 422 and unknown.json()["field"] == "procedure"


@pytest.mark.parametrize(
    "received_at",
    ["0001-01-01T00:00:00+07:00", "9999-12-25T10:00:00Z", "9999-12-31T23:59:59-12:00"],
)
async def test_a_receipt_time_outside_the_calendar_is_422_not_a_crash(intake, received_at):
    response = await quote(intake, received_at)  # was a 500: the date arithmetic overflowed
    assert response.status_code == 422 and response.json()["field"] == "received_at"
    assert "1900" in response.json()["message"] and "2099" in response.json()["message_en"]


async def test_admin_override_moves_the_due_date(intake):
    assert (await quote(intake, "2026-03-10T09:00:00+07:00")).json()["due_date"] == "2026-03-17"
    body = {"extra_days_off": ["2026-03-12", "2026-03-13"], "extra_working_days": ["2026-03-14"]}
    for role in ("desk", "leader"):
        denied = await intake.http.put(
            f"/api/v1/units/{UNIT}/calendar-overrides", json=body, headers=intake.auth(role)
        )
        assert denied.status_code == 403
    other = await intake.http.put(
        f"/api/v1/units/{UNIT}/calendar-overrides",
        json=body,
        headers=intake.auth("admin", unit=OTHER_UNIT),
    )
    assert other.status_code == 403
    response = await intake.http.put(
        f"/api/v1/units/{UNIT}/calendar-overrides", json=body, headers=intake.auth("admin")
    )
    assert response.status_code == 200, response.text
    # 11, 14 (a worked Saturday), 16, 17, 18: the 12th and 13th are the ward's days off
    assert (await quote(intake, "2026-03-10T09:00:00+07:00")).json()["due_date"] == "2026-03-18"
    assert (await quote(intake, "2026-03-10T09:00:00+07:00", unit=OTHER_UNIT)).json()[
        "due_date"
    ] == "2026-03-17"
    public = await intake.http.get(f"/api/v1/units/{UNIT}/calendar-overrides")
    assert public.json()["extra_days_off"] == ["2026-03-12", "2026-03-13"]


async def test_an_override_saved_on_one_replica_reaches_the_other_replicas_cache(intake):
    """The catalogue is cached in each process (adapters/mongo_catalogue.py): the second replica
    has the old calendar cached, and sees the change through the catalogue's version."""
    replica = create_app(intake.settings.model_copy(update={"seed_demo": False}))
    async with replica.router.lifespan_context(replica):
        transport = httpx.ASGITransport(app=replica)
        async with httpx.AsyncClient(transport=transport, base_url="http://replica") as other:

            async def due_on_replica() -> str:
                response = await other.get(
                    "/api/v1/calendar/due-date",
                    params={
                        "unit": UNIT,
                        "procedure": DISABILITY,
                        "received_at": "2026-03-10T09:00:00+07:00",
                    },
                )
                return response.json()["due_date"]

            assert await due_on_replica() == "2026-03-17"  # cached there now
            response = await intake.http.put(
                f"/api/v1/units/{UNIT}/calendar-overrides",
                json={"extra_days_off": ["2026-03-12"], "extra_working_days": []},
                headers=intake.auth("admin"),
            )
            assert response.status_code == 200, response.text

            async def moved() -> bool:  # within catalogue_check_seconds (0.5 s)
                return await due_on_replica() == "2026-03-18"

            await eventually(moved)


async def test_a_day_both_off_and_working_is_422_and_keeps_the_stored_overrides(intake):
    url = f"/api/v1/units/{UNIT}/calendar-overrides"
    kept = {"extra_days_off": ["2026-03-13"], "extra_working_days": []}
    assert (await intake.http.put(url, json=kept, headers=intake.auth("admin"))).status_code == 200
    body = {"extra_days_off": ["2026-03-12"], "extra_working_days": ["2026-03-12"]}
    response = await intake.http.put(url, json=body, headers=intake.auth("admin"))
    assert response.status_code == 422 and response.json()["field"] == "extra_working_days"
    assert (await intake.http.get(url)).json() == {"unit": UNIT} | kept
