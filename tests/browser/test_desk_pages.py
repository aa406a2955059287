"""The desk web app in a real browser over the real system: login and lock-out, a dossier from
receipt to return through the pages, the printed slip (one A5 page with the code, the due date
and a QR code of the look-up link, which opens the citizen's page), the leader's figures equal
reporting's API, units kept apart, CSRF-less posts refused, and axe-core on the main pages."""

import io
import re
from datetime import datetime

import httpx
import pypdfium2
import zxingcpp
from playwright.sync_api import expect
from pypdf import PdfReader

from .conftest import UNIT, api, eventually, login, logout, screenshot, serious_violations
from .desk_pages_kit import A5_POINTS, CITIZEN, VN, act, receive_birth_registration


def test_login_refuses_a_wrong_password_and_locks_after_repeated_failures(system, page):
    desk = system.urls["desk"]
    login(page, desk, "admin01")
    page.goto(f"{desk}/quan-tri")
    page.get_by_label("Tên đăng nhập (a-z, 0-9, dấu chấm, gạch nối)").fill("mc.khoa")
    page.get_by_label("Họ và tên").fill("Lý Thị Khoa")
    page.get_by_label("Một cửa").check()
    page.get_by_label("Mật khẩu (ít nhất 10 ký tự)").fill("mat-khau-moi-2026")
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.get_by_role("cell", name="mc.khoa", exact=True)).to_be_visible()
    screenshot(page, "quan-tri")
    logout(page)

    login(page, desk, "mc.khoa", "sai-mat-khau")
    expect(page.get_by_role("alert")).to_have_text("Sai tên đăng nhập hoặc mật khẩu")
    for _ in range(4):
        login(page, desk, "mc.khoa", "sai-mat-khau")
    login(page, desk, "mc.khoa", "mat-khau-moi-2026")  # the right password, but locked now
    expect(page.get_by_role("alert")).to_contain_text("Tài khoản tạm khoá")
    screenshot(page, "dang-nhap-bi-khoa")
    assert page.context.cookies() and all(
        c["name"] != "motcua_desk_session" for c in page.context.cookies()
    )

    login(page, desk, "desk01")
    page.wait_for_url("**/ho-so")
    session = next(c for c in page.context.cookies() if c["name"] == "motcua_desk_session")
    assert session["httpOnly"] and session["sameSite"] == "Lax"


def test_a_dossier_from_receipt_to_return_through_the_pages(system, page, context, tmp_path):
    desk = system.urls["desk"]
    login(page, desk, "desk01")
    code = receive_birth_registration(page, desk)
    expect(page.locator("h1")).to_have_text("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
    due = api(system, "intake", f"/api/v1/dossiers/{code}", "desk01", UNIT, "desk")["due_date"]
    due_text = datetime.fromisoformat(due).strftime("%d/%m/%Y")
    screenshot(page, "giay-tiep-nhan")

    # The printed slip: one A5 page with the code and the due date, and a QR code of the look-up
    # link.
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (tmp_path / "giay-tiep-nhan.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (
        abs(float(box.width) - A5_POINTS[0]) < 1 and abs(float(box.height) - A5_POINTS[1]) < 1
    )  # whole points
    text = reader.pages[0].extract_text()
    assert code in text and due_text in text, text
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=4).to_pil()
    link = [
        b.text for b in zxingcpp.read_barcodes(image) if b.format == zxingcpp.BarcodeFormat.QRCode
    ]
    assert link == [f"{desk}/tra-cuu/{code}"]

    # The link opens the citizen's page (no session), which shows progress for the right digits.
    citizen = context.browser.new_context(viewport={"width": 390, "height": 800}, is_mobile=True)
    try:
        phone = citizen.new_page()
        phone.goto(link[0])
        phone.get_by_label("4 số cuối điện thoại đã đăng ký").fill("5678")
        phone.get_by_role("button", name="Tra cứu").click()
        expect(phone.locator(".status")).to_have_text("Đã tiếp nhận")
        expect(phone.locator(".due")).to_have_text(due_text)
        screenshot(phone, "tra-cuu-dien-thoai")
    finally:
        citizen.close()

    page.goto(f"{desk}/ho-so/{code}")
    act(page, "Chuyển hồ sơ", **{"Chuyển cho cán bộ": "cv01", "Bước xử lý": "chuyen-mon"})
    screenshot(page, "ho-so-da-chuyen")
    logout(page)

    login(page, desk, "cv01")
    page.goto(f"{desk}/ho-so?ds=mine")
    page.get_by_role("link", name=code).click()
    expect(page.locator("summary", has_text="Trả kết quả")).to_have_count(
        0
    )  # not the specialist's to do
    act(page, "Có kết quả giải quyết", **{"Kết quả": "approved"})
    expect(page.locator(".status")).to_have_text("Đã có kết quả, chờ trả")
    logout(page)

    login(page, desk, "desk01")
    page.goto(f"{desk}/ho-so?ds=ready_to_return")
    expect(page.get_by_role("link", name=code)).to_be_visible()
    screenshot(page, "danh-sach-cho-tra")
    page.get_by_role("link", name=code).click()
    act(page, "Trả kết quả", **{"Hình thức trả": "at_desk"})
    expect(page.locator(".status")).to_have_text("Đã trả kết quả")
    screenshot(page, "ho-so-da-tra")
    history = api(system, "intake", f"/api/v1/dossiers/{code}", "desk01", UNIT, "desk")["history"]
    assert [(e["action"], e["officer_id"]) for e in history] == [
        ("receive", "desk01"),
        ("hand-over", "desk01"),
        ("resolve", "cv01"),
        ("return", "desk01"),
    ]


def test_intake_refusal_is_shown_in_vietnamese(system, page):
    desk = system.urls["desk"]
    login(page, desk, "desk01")
    code = receive_birth_registration(page, desk)
    page.goto(f"{desk}/ho-so")
    logout(page)
    login(page, desk, "cv01")
    page.goto(f"{desk}/ho-so/{code}")
    # A refusal without its reason: intake says why, in Vietnamese, and nothing changes.
    page.locator("summary", has_text=re.compile("^Có kết quả giải quyết$")).click()
    form = page.locator("details[open] form")
    form.get_by_label("Kết quả").select_option("refused")
    form.get_by_role("button").click()
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("alert")).to_contain_text("lý do")
    screenshot(page, "ho-so-loi-tu-intake")
    assert (
        api(system, "intake", f"/api/v1/dossiers/{code}", "cv01", UNIT, "specialist")["status"]
        == "received"
    )


def test_every_printed_form_is_one_page(system, page):
    desk = system.urls["desk"]
    login(page, desk, "desk01")
    forms = {
        "yeu-cau-bo-sung": receive_birth_registration(page, desk, "Thiếu", untick=1),
        "tu-choi": receive_birth_registration(page, desk, "Không đủ điều kiện"),
    }
    for slug, code in forms.items():
        page.goto(f"{desk}/ho-so/{code}/in/{slug}")
        screenshot(page, slug)
        reader = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
        assert len(reader.pages) == 1 and code in reader.pages[0].extract_text(), slug
    received = api(system, "intake", "/api/v1/worklists/received_today", "desk01", UNIT, "desk")[
        "dossiers"
    ]
    code = next(d["code"] for d in received if d["status"] == "returned")
    page.goto(f"{desk}/ho-so/{code}/in/phieu-kiem-soat")
    screenshot(page, "phieu-kiem-soat")
    reader = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    assert len(reader.pages) == 1 and "cv01" in reader.pages[0].extract_text()


def test_dashboard_figures_equal_reportings_api(system, page):
    desk = system.urls["desk"]
    leader = ("ld01", UNIT, "leader")
    today = datetime.now(VN).date()
    month = today.strftime("%Y-%m")
    suggestion = "Đề nghị bố trí thêm ghế chờ cho người cao tuổi"
    httpx.post(
        f"{system.urls['survey']}/api/v1/units/{UNIT}/suggestions",
        json={"text": suggestion},
        timeout=30,
    ).raise_for_status()
    intake_today = api(
        system, "intake", "/api/v1/worklists/received_today", "desk01", UNIT, "desk"
    )["dossiers"]
    returned = [d["code"] for d in intake_today if d["status"] == "returned"]
    assert returned, "the journey test returns a dossier first"
    # The citizen answers at the desk's kiosk once survey has opened the survey for the return.
    eventually(
        lambda: (
            httpx.post(
                f"{system.urls['survey']}/api/v1/kiosk/dossiers/{returned[0]}/answer",
                json={"level": "very_satisfied"},
                headers=system.token("desk01", UNIT, "desk"),
                timeout=30,
            ).status_code
            in (201, 409)
        ),
        what="the kiosk answer",
    )
    period = {"unit": UNIT, "from": f"{month}-01", "to": today.isoformat()}
    # Reporting is fed by events: wait until it has seen what intake and survey hold.
    eventually(
        lambda: (
            api(system, "reporting", "/api/v1/reports/one-stop", *leader, **period)["total"][
                "received"
            ]
            == len(intake_today)
            and api(system, "reporting", "/api/v1/reports/satisfaction", *leader, **period)[
                "total"
            ]["answers"]
            == 1
        ),
        what="reporting caught up",
    )

    login(page, desk, "ld01")
    page.goto(f"{desk}/lanh-dao?thang={month}")
    expect(page.get_by_text(suggestion)).to_be_visible()
    page.wait_for_function(
        "() => document.querySelectorAll('canvas').length === 3 && window.Chart !== undefined"
    )
    screenshot(page, "lanh-dao")
    one_stop = api(system, "reporting", "/api/v1/reports/one-stop", *leader, **period)["total"]
    happy = api(system, "reporting", "/api/v1/reports/satisfaction", *leader, **period)["total"]
    assert one_stop["received"] >= 1 and happy["very_satisfied"] == 1
    for table, figures in (("#one-stop", one_stop), ("#satisfaction", happy)):
        shown = {
            cell.get_attribute("data-key"): cell.inner_text()
            for cell in page.locator(f"{table} td[data-key]").all()
        }
        assert shown and shown == {key: str(figures[key]) for key in shown}, table
    for key, rate in (
        ("on_time_rate", one_stop["on_time_rate"]),
        ("early_rate", one_stop["early_rate"]),
        ("satisfied_rate", happy["satisfied_rate"]),
    ):
        expected = "—" if rate is None else f"{rate * 100:.1f}".replace(".", ",") + " %"
        assert page.locator(f"[data-key={key}]").inner_text() == expected, key
    csv = page.request.get(f"{desk}/lanh-dao/bao-cao.csv?thang={month}")
    assert csv.ok and "text/csv" in csv.headers["content-type"]


def test_a_desk_officer_cannot_reach_another_units_dossier(system, page):
    desk = system.urls["desk"]
    code = api(system, "intake", "/api/v1/worklists/received_today", "desk01", UNIT, "desk")[
        "dossiers"
    ][0]["code"]
    login(page, desk, "desk02")  # xã Cờ Đỏ
    for path in (
        f"/ho-so/{code}",
        f"/ho-so/{code}/in/giay-tiep-nhan",
        f"/ho-so/{code}/in/phieu-kiem-soat",
    ):
        response = page.goto(desk + path)
        assert response is not None and response.status == 403, path
        expect(page.get_by_role("alert")).to_have_text("Không có quyền với đơn vị này")
        assert "Trần Thị Bích Ngọc" not in page.content()
    page.goto(f"{desk}/ho-so?q={code}")
    expect(page.get_by_text("Không có hồ sơ.")).to_be_visible()
    screenshot(page, "don-vi-khac")


def test_a_form_post_without_its_csrf_token_is_refused(system, page):
    desk = system.urls["desk"]
    login(page, desk, "desk01")
    code = receive_birth_registration(page, desk)
    # The browser's own cookies go with it (session and CSRF cookie), only the form's token is
    # missing.
    refused = page.request.post(f"{desk}/ho-so/{code}/thao-tac/withdraw", form={"confirmed": "1"})
    assert refused.status == 403 and "CSRF" in refused.text()
    assert (
        api(system, "intake", f"/api/v1/dossiers/{code}", "desk01", UNIT, "desk")["status"]
        == "received"
    )
    # A page of another site posting a form here: the browser sends the cookies it may, no token.
    page.set_content(
        f'<form method="post" action="{desk}/ho-so/{code}/thao-tac/withdraw">'
        '<input name="confirmed" value="1"><button>go</button></form>'
    )
    page.get_by_role("button", name="go").click()
    expect(page.get_by_role("alert")).to_contain_text("CSRF")
    assert (
        api(system, "intake", f"/api/v1/dossiers/{code}", "desk01", UNIT, "desk")["status"]
        == "received"
    )


def test_main_pages_have_no_serious_accessibility_violation(system, page):
    desk = system.urls["desk"]
    login(page, desk, "desk01")
    code = receive_birth_registration(page, desk)
    failures = {"giay-hen": serious_violations(page)}
    for name, path in {
        "tiep-nhan": "/tiep-nhan?q=khai+sinh",
        "tiep-nhan-thu-tuc": "/tiep-nhan?procedure=1.001193",
        "ho-so": "/ho-so",
        "ho-so-chi-tiet": f"/ho-so/{code}",
    }.items():
        page.goto(desk + path)
        screenshot(page, name)
        failures[name] = serious_violations(page)
    logout(page)
    for name, path in {"dang-nhap": "/dang-nhap", "tra-cuu": f"/tra-cuu/{code}"}.items():
        page.goto(desk + path)
        failures[name] = serious_violations(page)
    login(page, desk, "ld01")
    page.goto(f"{desk}/lanh-dao")
    failures["lanh-dao"] = serious_violations(page)
    logout(page)
    login(page, desk, "admin01")
    page.goto(f"{desk}/quan-tri")
    failures["quan-tri"] = serious_violations(page)
    assert {name: found for name, found in failures.items() if found} == {}
    # The check itself finds what it should: a field without a label is a critical violation.
    page.set_content(
        '<html lang="vi"><head><title>x</title></head><body><main><h1>x</h1><input '
        'name="q"></main></body></html>'
    )
    assert [v["id"] for v in serious_violations(page)] == ["label"]


def test_linked_dossier_home_visit_and_apology_through_the_pages(system, page):
    from intake.domain.calendar import WorkingCalendar

    desk = system.urls["desk"]
    login(page, desk, "desk01")
    page.goto(f"{desk}/tiep-nhan?q=lien+thong+khai+sinh")
    page.get_by_role("link", name=re.compile("^Liên thông: đăng ký khai sinh")).click()
    expect(page.get_by_text("Cấp thẻ bảo hiểm y tế — Bảo hiểm xã hội")).to_be_visible()
    for box in page.locator("input[name=paper]").all():
        box.check()
    for label, value in CITIZEN.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Địa chỉ (bắt buộc khi phục vụ tại nhà)").fill(
        "12 Trần Quang Khải, phường Tân Định"
    )
    page.get_by_label("Yêu cầu phục vụ tại nhà").check()
    page.get_by_role("button", name=re.compile("^Đủ hồ sơ")).click()
    page.wait_for_url(re.compile(r"/in/giay-tiep-nhan$"))
    code = page.url.split("/ho-so/")[1].split("/")[0]
    expect(page.get_by_text(re.compile("Hồ sơ liên thông: Đăng ký khai sinh"))).to_be_visible()

    page.goto(f"{desk}/ho-so/{code}")
    act(page, "Hẹn đến tận nhà", **{"Mục đích": "receive"})
    page.goto(f"{desk}/ho-so?ds=home_visits")
    expect(page.get_by_role("link", name=code)).to_be_visible()
    page.get_by_role("link", name=code).click()
    act(page, "Chuyển hồ sơ", **{"Chuyển cho cán bộ": "cv01", "Bước xử lý": "chuyen-mon"})
    logout(page)

    login(page, desk, "cv01")
    page.goto(f"{desk}/ho-so/{code}")
    due = api(system, "intake", f"/api/v1/dossiers/{code}", "cv01", UNIT, "specialist")["due_date"]
    new_date = WorkingCalendar().add_working_days(datetime.fromisoformat(due).date(), 3)
    act(
        page,
        "Xin lỗi và hẹn lại ngày trả",
        **{"Ngày hẹn trả mới": new_date.isoformat(), "Lý do chậm": "Chờ xác minh thông tin cư trú"},
    )
    page.get_by_role("link", name="Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết").click()
    screenshot(page, "xin-loi")
    reader = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1 and new_date.strftime("%d/%m/%Y") in text and "xác minh" in text

    page.goto(f"{desk}/ho-so/{code}")
    for _ in range(
        3
    ):  # tư pháp, công an, BHXH: each agency's result, the last resolves the dossier
        page.get_by_role("button", name="Ghi nhận kết quả").first.click()
        page.get_by_role("button", name="Xác nhận").click()
        expect(page.get_by_role("status")).to_have_text("Đã thực hiện.")
    expect(page.locator(".status")).to_have_text("Đã có kết quả, chờ trả")
    screenshot(page, "ho-so-lien-thong")
