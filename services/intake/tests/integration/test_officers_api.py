"""Officer accounts: login mints a token every service accepts, lock-out after repeated wrong
passwords, the unit admin creates and disables accounts of its own unit only (real Mongo-wire
server, intake's own wiring)."""

from datetime import timedelta

from motcua_shared.web.auth import decode_token

from .conftest import OTHER_UNIT, UNIT


async def login(intake, username: str, password: str):
    return await intake.http.post(
        "/api/v1/auth/login", json={"username": username, "password": password}
    )


async def test_demo_account_logs_in_and_its_token_works(intake):
    response = await login(intake, "desk01", intake.settings.demo_password)
    assert response.status_code == 200, response.text
    body = response.json()
    principal = decode_token(body["access_token"], intake.settings.jwt_secret)
    assert (principal.sub, principal.unit, principal.roles) == ("desk01", UNIT, ["desk"])
    assert (
        body["officer"]["full_name"] == "Nguyễn Thị Hoa" and "password_hash" not in body["officer"]
    )
    stored = await intake.db.officers.find_one({"_id": "desk01"})
    assert stored["password_hash"].startswith(
        "$argon2id$"
    ) and intake.settings.demo_password not in str(stored)
    me = await intake.http.get(
        "/api/v1/officers", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert "cv01" in [o["username"] for o in me.json()["officers"]]


async def test_unknown_user_and_wrong_password_get_the_same_answer(intake):
    unknown, wrong = (
        await login(intake, "nobody", "x" * 12),
        await login(intake, "desk01", "wrong-password"),
    )
    assert unknown.status_code == wrong.status_code == 401
    assert (
        unknown.json() == wrong.json()
        and wrong.json()["message"] == "Sai tên đăng nhập hoặc mật khẩu"
    )


async def test_repeated_failures_lock_the_account_even_for_the_right_password(intake):
    for _ in range(intake.settings.login_max_failures):
        assert (await login(intake, "cv01", "not-the-password")).status_code == 401
    locked = await login(intake, "cv01", intake.settings.demo_password)
    assert locked.status_code == 423 and locked.json()["error"] == "account_locked"
    assert 0 < int(locked.headers["retry-after"]) <= intake.settings.login_lock_minutes * 60
    # Once the lock has run out the right password works again and the count starts afresh.
    await intake.db.officers.update_one(
        {"_id": "cv01"},
        {"$set": {"locked_until": intake.app.state.services.intake.clock() - timedelta(seconds=1)}},
    )
    assert (await login(intake, "cv01", intake.settings.demo_password)).status_code == 200
    assert (await intake.db.officers.find_one({"_id": "cv01"}))["failed_logins"] == 0


async def test_a_success_resets_the_count_of_failures(intake):
    for _ in range(intake.settings.login_max_failures - 1):
        await login(intake, "ld01", "not-the-password")
    assert (await login(intake, "ld01", intake.settings.demo_password)).status_code == 200
    assert (await login(intake, "ld01", "not-the-password")).status_code == 401
    assert (await login(intake, "ld01", intake.settings.demo_password)).status_code == 200


async def test_admin_creates_and_disables_accounts_of_its_unit(intake):
    admin = intake.auth("admin", sub="admin01")
    created = await intake.http.post(
        "/api/v1/officers",
        headers=admin,
        json={
            "username": "cv.hanh",
            "full_name": "Ngô Thị Hạnh",
            "roles": ["specialist"],
            "password": "mat-khau-rat-dai",
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["unit"] == UNIT
    token = (await login(intake, "cv.hanh", "mat-khau-rat-dai")).json()["access_token"]
    assert decode_token(token, intake.settings.jwt_secret).roles == ["specialist"]
    again = await intake.http.post(
        "/api/v1/officers",
        headers=admin,
        json={
            "username": "cv.hanh",
            "full_name": "X",
            "roles": ["desk"],
            "password": "mat-khau-rat-dai",
        },
    )
    assert again.status_code == 409

    assert (
        await intake.http.post("/api/v1/officers/cv.hanh/disable", headers=admin)
    ).status_code == 200
    refused = await login(intake, "cv.hanh", "mat-khau-rat-dai")
    assert refused.status_code == 403 and refused.json()["error"] == "account_disabled"
    assert (
        await intake.http.post("/api/v1/officers/cv.hanh/enable", headers=admin)
    ).status_code == 200
    assert (await login(intake, "cv.hanh", "mat-khau-rat-dai")).status_code == 200


async def test_admin_cannot_touch_another_unit_nor_create_without_the_role(intake):
    other_admin = intake.auth("admin", unit=OTHER_UNIT, sub="admin02")
    response = await intake.http.post("/api/v1/officers/desk01/disable", headers=other_admin)
    assert response.status_code == 404
    assert (await intake.db.officers.find_one({"_id": "desk01"}))["disabled"] is False
    body = {
        "username": "x.y.z",
        "full_name": "X",
        "roles": ["desk"],
        "password": "mat-khau-rat-dai",
    }
    assert (
        await intake.http.post("/api/v1/officers", headers=intake.auth("leader"), json=body)
    ).status_code == 403
    bad_role = body | {"roles": ["system"]}
    response = await intake.http.post(
        "/api/v1/officers", headers=intake.auth("admin"), json=bad_role
    )
    assert response.status_code == 422 and response.json()["field"] == "roles"
    assert await intake.db.officers.find_one({"_id": "x.y.z"}) is None
