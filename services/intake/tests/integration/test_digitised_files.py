"""Digitised papers and results on the real Mongo-wire server (GridFS) through intake's HTTP
API: type from the bytes, size limits, refusals store nothing, events carry hashes not bytes,
reuse by the same citizen, the citizen's time-limited download, the audit of reads."""

import hashlib
import json
import os

from .conftest import DISABILITY, citizen

PDF = b"%PDF-1.4\n" + os.urandom(3000) + b"\n%%EOF"
PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(500)
PAPER = "Đơn đề nghị cấp đổi giấy xác nhận khuyết tật"


async def required_paper(intake, procedure: str = DISABILITY) -> str:
    return (await intake.http.get(f"/api/v1/procedures/{procedure}")).json()["required_papers"][0]


async def upload(
    intake, code: str, data: bytes, paper: str, name: str = "scan.pdf", role: str = "desk"
):
    return await intake.http.post(
        f"/api/v1/dossiers/{code}/papers",
        data={"paper": paper},
        files={"file": (name, data, "application/pdf")},
        headers=intake.auth(role),
    )


async def stored(intake) -> tuple[int, int, int]:
    return (
        await intake.db["files.files"].count_documents({}),
        await intake.db["files.chunks"].count_documents({}),
        await intake.db.outbox.count_documents({}),
    )


async def test_a_scan_is_stored_and_its_event_carries_the_hash_not_the_bytes(intake):
    code = (await intake.receive(DISABILITY)).json()["code"]
    paper = await required_paper(intake)
    response = await upload(intake, code, PDF, paper)
    assert response.status_code == 201, response.text
    attachment = response.json()["attachments"][0]
    assert attachment["paper"] == paper and attachment["content_type"] == "application/pdf"
    assert attachment["sha256"] == hashlib.sha256(PDF).hexdigest() and attachment[
        "size_bytes"
    ] == len(PDF)
    event = await intake.db.outbox.find_one({"routing_key": "dossier.paper_digitised"})
    payload = json.loads(event["body"])["payload"]
    assert payload["sha256"] == attachment["sha256"] and payload["file_id"] == attachment["file_id"]
    assert payload["size_bytes"] == len(PDF) and "PDF" not in event["body"]
    download = await intake.http.get(
        f"/api/v1/dossiers/{code}/files/{attachment['file_id']}", headers=intake.auth("specialist")
    )
    assert download.status_code == 200 and download.content == PDF


async def test_a_3_mb_scan_round_trips(intake):
    code = (await intake.receive(DISABILITY)).json()["code"]
    big = b"%PDF-1.7\n" + os.urandom(3 * 1024 * 1024)
    attachment = (await upload(intake, code, big, await required_paper(intake))).json()[
        "attachments"
    ][0]
    back = await intake.http.get(
        f"/api/v1/dossiers/{code}/files/{attachment['file_id']}", headers=intake.auth("desk")
    )
    assert back.content == big


async def test_refusals_store_nothing(intake):
    code = (await intake.receive(DISABILITY)).json()["code"]
    paper = await required_paper(intake)
    before = await stored(intake)
    version = (await intake.db.dossiers.find_one({"_id": code}))["version"]
    wrong_type = await upload(
        intake, code, b"MZ\x90\x00 not a pdf at all", paper, name="giay-to.pdf"
    )
    assert (
        wrong_type.status_code == 415
        and wrong_type.json()["message"]
        and wrong_type.json()["message_en"]
    )
    limit = intake.settings.max_file_bytes
    too_big = await upload(intake, code, b"%PDF-" + b"0" * limit, paper)
    assert too_big.status_code == 413 and too_big.json()["error"] == "file_too_large"
    not_required = await upload(intake, code, PDF, "Giấy tờ không có trong thủ tục")
    assert not_required.status_code == 422 and not_required.json()["field"] == "paper"
    other_unit = await intake.http.post(
        f"/api/v1/dossiers/{code}/papers",
        data={"paper": paper},
        files={"file": ("a.pdf", PDF)},
        headers=intake.auth("desk", unit="31261"),
    )
    assert other_unit.status_code == 403
    result_too_early = await intake.http.post(
        f"/api/v1/dossiers/{code}/result",
        files={"file": ("kq.pdf", PDF)},
        headers=intake.auth("specialist"),
    )
    assert result_too_early.status_code == 409
    assert await stored(intake) == before
    assert (await intake.db.dossiers.find_one({"_id": code}))["version"] == version


async def test_a_dossier_has_a_total_limit(intake):
    intake.app.state.services.intake.digitisation.limits = type(
        intake.app.state.services.intake.digitisation.limits
    )(max_file_bytes=10_000, max_dossier_bytes=len(PDF) + 100)
    code = (await intake.receive(DISABILITY)).json()["code"]
    paper = await required_paper(intake)
    assert (await upload(intake, code, PDF, paper)).status_code == 201
    before = await stored(intake)
    second = await upload(intake, code, PNG, paper, name="b.png")
    assert second.status_code == 413 and "dossier" in second.json()["message_en"]
    assert await stored(intake) == before


async def test_a_later_dossier_of_the_same_citizen_reuses_a_paper(intake):
    first = (await intake.receive(DISABILITY)).json()["code"]
    paper = await required_paper(intake)
    original = (await upload(intake, first, PDF, paper)).json()["attachments"][0]
    second = (await intake.receive(DISABILITY)).json()["code"]
    stranger = (await intake.receive(DISABILITY, citizen=citizen(cccd="079203009999"))).json()[
        "code"
    ]
    listed = (
        await intake.http.get(
            f"/api/v1/dossiers/{second}/reusable-papers", headers=intake.auth("desk")
        )
    ).json()
    assert [(p["dossier_code"], p["file_id"], p["sha256"]) for p in listed["papers"]] == [
        (first, original["file_id"], original["sha256"])
    ]
    files_before = await intake.db["files.files"].count_documents({})
    reuse = {"from_code": first, "file_id": original["file_id"], "paper": paper}
    reused = await intake.http.post(
        f"/api/v1/dossiers/{second}/papers/reuse", json=reuse, headers=intake.auth("desk")
    )
    assert reused.status_code == 201, reused.text
    attachment = reused.json()["attachments"][0]
    assert attachment["reused_from"] == first and attachment["sha256"] == original["sha256"]
    assert await intake.db["files.files"].count_documents({}) == files_before  # no second copy
    event = await intake.db.outbox.find_one(
        {"aggregate_id": second, "routing_key": "dossier.paper_digitised"}
    )
    assert event is not None
    refused = await intake.http.post(
        f"/api/v1/dossiers/{stranger}/papers/reuse", json=reuse, headers=intake.auth("desk")
    )
    assert refused.status_code == 404


async def test_the_citizen_downloads_a_returned_result_and_sees_who_read_their_data(intake):
    code = (await intake.receive(DISABILITY)).json()["code"]
    await intake.http.get(
        f"/api/v1/dossiers/{code}", headers=intake.auth("specialist", sub="cb-chuyen-mon")
    )
    assert (await intake.act(code, "resolve", body={"outcome": "approved"})).status_code == 200
    result = await intake.http.post(
        f"/api/v1/dossiers/{code}/result",
        files={"file": ("ket-qua.png", PNG)},
        headers=intake.auth("specialist"),
    )
    assert result.status_code == 201, result.text
    early = (
        await intake.http.get(f"/api/v1/public/dossiers/{code}", params={"phone_last4": "5678"})
    ).json()
    assert early["result_files"] == []  # not returned yet
    assert (
        await intake.act(code, "return", role="desk", body={"method": "at_desk"})
    ).status_code == 200
    look = (
        await intake.http.get(f"/api/v1/public/dossiers/{code}", params={"phone_last4": "5678"})
    ).json()
    [link] = look["result_files"]
    assert link["name"] == "ket-qua.png"
    assert any(e["who"] == "cb-chuyen-mon" and "personal" in e["what"] for e in look["access_log"])
    path = link["url"].removeprefix(intake.settings.public_url)
    got = await intake.http.get(path)
    assert (
        got.status_code == 200 and got.content == PNG and got.headers["content-type"] == "image/png"
    )
    tampered = await intake.http.get(path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb"))
    assert tampered.status_code == 404 and tampered.json()["message_en"]
    audit = await intake.db.access_audit.find({"dossier_code": code}).to_list()
    assert sum("downloaded" in a["what"] for a in audit) == 1


async def test_download_links_and_the_download_window_expire(intake):
    intake.app.state.services.intake.digitisation.limits = type(
        intake.app.state.services.intake.digitisation.limits
    )(result_download_days=0, download_link_seconds=900)
    code = (await intake.receive(DISABILITY)).json()["code"]
    await intake.act(code, "resolve", body={"outcome": "approved"})
    await intake.http.post(
        f"/api/v1/dossiers/{code}/result",
        files={"file": ("kq.pdf", PDF)},
        headers=intake.auth("specialist"),
    )
    await intake.act(code, "return", role="desk", body={"method": "at_desk"})
    look = (
        await intake.http.get(f"/api/v1/public/dossiers/{code}", params={"phone_last4": "5678"})
    ).json()
    assert (
        look["status"] == "returned" and look["result_files"] == []
    )  # the window (0 days) is over


async def test_an_upload_declared_too_large_is_refused_before_it_is_read(intake):
    code = (await intake.receive(DISABILITY)).json()["code"]
    limit = intake.settings.max_file_bytes
    response = await intake.http.post(
        f"/api/v1/dossiers/{code}/papers",
        content=b"x" * 100,
        headers=intake.auth("desk")
        | {"content-length": str(limit * 2), "content-type": "multipart/form-data; boundary=b"},
    )
    assert response.status_code == 413 and response.json()["error"] == "file_too_large"
    assert await intake.db["files.files"].count_documents({}) == 0
