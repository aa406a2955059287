"""A dossier digitised, paid online and verified, end to end with every process real (honcho,
the root Procfile, the payment gateway sandbox in place of the national payment platform):
a scanned paper (an oversized and a mistyped file refused first, nothing stored), the fee paid
online by the citizen through the link notify sent (a forged and a replayed callback refused),
the result attached, downloaded from the look-up and verified by its QR token (a tampered token
refused), and reporting's Decision 766 indicators counting it.

Its own system (module fixture), so the other journeys' totals are not touched."""

import os
import re
from collections.abc import Iterator
from datetime import timedelta
from html import unescape

import httpx
import pytest

from motcua_shared.testing.system import System, supervised_system

from .journey_kit import Citizen, Desk, eventually, inbox, today

pytestmark = pytest.mark.e2e

UNIT = "26734"
SIGNATURE_CERT = "2.000884"  # chứng thực chữ ký: 10.000 đ due at receipt (demo catalogue)
MAX_FILE = 300_000
SCAN = b"%PDF-1.5\n" + os.urandom(40_000) + b"\n%%EOF\n"
RESULT = b"\x89PNG\r\n\x1a\n" + os.urandom(20_000)


@pytest.fixture(scope="module")
def system(
    amqp_url: str, mongodb_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[System]:
    with supervised_system(
        amqp_url,
        mongodb_url,
        tmp_path_factory.mktemp("e2e-digitised"),
        INTAKE_MAX_FILE_BYTES=str(MAX_FILE),
    ) as system:
        yield system


def upload(desk: Desk, code: str, paper: str, name: str, data: bytes) -> httpx.Response:
    return desk.http.post(
        f"/api/v1/dossiers/{code}/papers",
        headers=desk.headers("desk"),
        data={"paper": paper},
        files={"file": (name, data, "application/pdf")},
    )


def test_scanned_paid_online_downloaded_and_verified(system):
    desk, citizen = Desk(system, UNIT), Citizen("Phạm Thị Dung", "0903 111 222", "079199004455")
    code = desk.receive(SIGNATURE_CERT, citizen)["code"]
    dossier = lambda: desk.http.get(f"/api/v1/dossiers/{code}", headers=desk.headers("desk")).json()  # noqa: E731
    paper = desk.http.get(f"/api/v1/procedures/{SIGNATURE_CERT}").json()["required_papers"][0]

    # Bad files first: refused, nothing kept.
    too_big = upload(desk, code, paper, "lon.pdf", b"%PDF-1.4\n" + b"0" * MAX_FILE)
    assert too_big.status_code == 413 and too_big.json()["message_en"]
    wrong = upload(desk, code, paper, "anh.pdf", b"GIF89a" + os.urandom(500))
    assert wrong.status_code == 415
    assert dossier()["attachments"] == [] and dossier()["version"] == 1
    scanned = upload(desk, code, paper, "to-khai.pdf", SCAN)
    assert scanned.status_code == 201, scanned.text

    # Never resolved with the fee unpaid; the citizen gets a payment link by Zalo.
    assert desk.post(code, "resolve", {"outcome": "approved"}, role="specialist").status_code == 409
    desk.act(code, "fee/online", {})
    message = eventually(
        lambda: next((m for m in inbox(system, citizen) if m["kind"] == "fee_requested"), None),
        what="the payment link message",
    )
    link = message["template_data"]["link_thanh_toan"]
    assert (
        link == f"{system.urls['intake']}/thanh-toan/{code}"
        and message["template_data"]["so_tien"] == "10.000 đ"
    )

    # The citizen pays at the gateway (sandbox), which calls intake back and redirects.
    browser = httpx.Client(timeout=15)
    to_gateway = browser.get(link)
    assert to_gateway.status_code == 303 and to_gateway.headers["location"].startswith(
        system.urls["payments"]
    )
    page = browser.get(to_gateway.headers["location"])
    assert page.status_code == 200 and "10.000 đ" in page.text
    form = {
        name: unescape(value)
        for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', page.text)
    }
    back = browser.post(system.urls["payments"] + "/pay", data=form)
    assert back.status_code == 303
    landing = browser.get(back.headers["location"])
    assert landing.status_code == 200 and "đã nhận 10.000 đ" in landing.text
    assert dossier()["fee"]["status"] == "paid" and dossier()["fee"]["method"] == "online"

    # A forged and a replayed callback change nothing.
    [sent] = httpx.get(system.urls["payments"] + "/api/callbacks", timeout=10).json()["callbacks"]
    params = sent["params"]
    before = dossier()["version"]
    ipn = f"{system.urls['intake']}/api/v1/payments/vnpay-ipn"
    assert (
        httpx.get(ipn, params=params | {"vnp_Amount": "100"}, timeout=10).json()["RspCode"] == "97"
    )
    assert httpx.get(ipn, params=params, timeout=10).json()["RspCode"] == "02"
    assert dossier()["version"] == before
    refunds = desk.http.get(
        "/api/v1/payments", params={"status": "refund_due"}, headers=desk.headers("leader")
    )
    assert refunds.json()["payments"] == []

    # Resolved, the result scanned, returned; the citizen downloads it after the look-up.
    desk.resolve(code)
    attached = desk.http.post(
        f"/api/v1/dossiers/{code}/result",
        headers=desk.headers("specialist"),
        files={"file": ("ket-qua.png", RESULT, "image/png")},
    )
    assert attached.status_code == 201, attached.text
    desk.give_back(code)
    look = httpx.get(
        f"{system.urls['intake']}/api/v1/public/dossiers/{code}",
        params={"phone_last4": "1222"},
        timeout=10,
    ).json()
    [result_file] = look["result_files"]
    downloaded = httpx.get(result_file["url"], timeout=10)
    assert downloaded.status_code == 200 and downloaded.content == RESULT
    assert any(
        entry["who"] == "desk01" for entry in look["access_log"]
    )  # the desk's reads were recorded

    # Anyone verifies the result by its QR token; a tampered token is told apart.
    tokens = desk.http.get(
        f"/api/v1/dossiers/{code}/verification", headers=desk.headers("desk")
    ).json()
    genuine = httpx.get(tokens["result_url"], timeout=10)
    assert (
        genuine.status_code == 200 and "Giấy tờ hợp lệ" in genuine.text and "P.T.D." in genuine.text
    )
    assert citizen.name not in genuine.text
    # The signature's first character changed: every bit of it counts. (Its last character
    # would not do: base64 leaves that one's low bits unused, so 'A' for a 'B', 'C' or 'D' is the
    # same signature, and the test failed one run in sixteen.)
    kid, _, body = tokens["result_token"].partition(".")
    payload, _, signature = body.rpartition(".")
    forged = ("B" if signature[0] == "A" else "A") + signature[1:]
    tampered = httpx.get(
        f"{system.urls['intake']}/xac-minh/{kid}.{payload}.{forged}",
        timeout=10,
    )
    assert tampered.status_code == 400 and "giả mạo" in tampered.text

    # Reporting counts the digitised paper and result and the online payment.
    reports = httpx.Client(
        base_url=system.urls["reporting"], headers=system.token("ld01", UNIT, "leader"), timeout=15
    )
    period = {
        "unit": UNIT,
        "from": (today() - timedelta(days=1)).isoformat(),
        "to": today().isoformat(),
    }

    def indicators() -> dict | None:  # (yesterday too: a run may straddle local midnight)
        total = reports.get("/api/v1/reports/indicators", params=period).json()["total"]
        return total if total["digitised_results"] == 1 else None

    total = eventually(indicators, what="the digitised result in reporting")
    assert (total["digitised_papers"], total["digitised_papers_rate"]) == (1, 1.0)
    assert (total["fees_paid_online"], total["fees_paid_cash"], total["online_payment_rate"]) == (
        1,
        0,
        1.0,
    )
    assert total["digitised_results_rate"] == 1.0
