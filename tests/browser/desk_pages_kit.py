"""What the desk-page tests share beyond conftest's fixtures: the citizen they receive, the A5
page size of a printed form, and the two page moves every journey makes (receive a birth
registration at the desk; take an action through its confirm step). Kept apart so the test
module holds tests only (docs/style.md: 400 lines per module)."""

import re
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from .conftest import screenshot

VN = ZoneInfo("Asia/Ho_Chi_Minh")
A5_POINTS = (419.5, 595.3)  # 148 × 210 mm
CITIZEN = {
    "Họ và tên": "Trần Thị Bích Ngọc",
    "Số CCCD (12 chữ số)": "079199004321",
    "Số điện thoại": "0912 345 678",
}


def receive_birth_registration(
    page: Page, desk: str, decision: str = "Đủ hồ sơ", untick: int = 0
) -> str:
    page.goto(f"{desk}/tiep-nhan")
    page.get_by_label("Tìm thủ tục (gõ có dấu hoặc không dấu)").fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("link", name="Đăng ký khai sinh", exact=True).click()
    expect(page.locator("#due .due-date")).to_have_text(re.compile(r"\d{2}/\d{2}/\d{4}"))
    papers = page.locator("input[name=paper]")
    for index in range(papers.count() - untick):
        papers.nth(index).check()
    for label, value in CITIZEN.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Đồng ý nhận thông báo qua Zalo/SMS").check()
    if decision == "Không đủ điều kiện":
        page.get_by_label("Lý do (bắt buộc khi từ chối)").fill(
            "Người yêu cầu không thuộc thẩm quyền của phường"
        )
    page.get_by_role("button", name=re.compile("^" + decision)).click()
    page.wait_for_url(re.compile(r"/ho-so/[^/]+/in/"))
    return page.url.split("/ho-so/")[1].split("/")[0]


def act(page: Page, action: str, **fields: str) -> None:
    page.locator("summary", has_text=re.compile("^" + action + "$")).click()
    form = page.locator("details[open] form")
    for label, value in fields.items():
        control = form.get_by_label(label)
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    form.get_by_role("button").click()
    screenshot(page, "xac-nhan")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("status")).to_have_text("Đã thực hiện.")
