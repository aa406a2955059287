"""The desk's pure rules: search without diacritics, Vietnamese formats, CSRF tokens, which
actions a dossier page offers, which forms it can print."""

from desk.domain import csrf
from desk.domain.actions import ACTIONS, body_from_form, offered
from desk.domain.display_text import days_left, fold, money, search, vn_date, vn_datetime, vn_phone
from desk.domain.forms import lookup_link, printable

CATALOGUE = [
    {"code": "1.001193", "name": "Đăng ký khai sinh"},
    {"code": "1.000894", "name": "Đăng ký kết hôn"},
    {"code": "2.000843", "name": "Chứng thực bản sao từ bản chính"},
]


def test_search_ignores_diacritics_and_case():
    assert [p["code"] for p in search("dang ky khai sinh", CATALOGUE, "name")] == ["1.001193"]
    assert [p["code"] for p in search("ĐĂNG KÝ", CATALOGUE, "name")] == ["1.001193", "1.000894"]
    assert [p["code"] for p in search("chung thuc", CATALOGUE, "name")] == ["2.000843"]
    assert search("khai tu", CATALOGUE, "name") == []
    assert fold("Đ đ Ữ") == "d d u"


def test_formats():
    assert money(30000) == "30.000 đ" and money(1250000) == "1.250.000 đ" and money(0) == "Miễn phí"
    assert vn_date("2026-05-04") == "04/05/2026"
    assert vn_date("2026-05-04T16:59:59.999000+00:00") == "04/05/2026"
    assert vn_date("2026-05-04T17:00:00+00:00") == "05/05/2026"  # already the next day in Vietnam
    assert vn_datetime("2026-05-04T03:05:00+00:00") == "10:05 ngày 04/05/2026"
    assert (
        vn_phone("+84912345678") == "0912 345 678" and vn_phone("+842838123456") == "+842838123456"
    )
    assert days_left(2) == "còn 2 ngày làm việc" and days_left(0) == "đến hạn hôm nay"
    assert days_left(-3) == "quá hạn 3 ngày làm việc"


def test_csrf_token_is_bound_to_the_cookie_and_the_secret():
    cookie = csrf.new_cookie_value()
    token = csrf.form_token("secret-a", cookie)
    assert csrf.valid("secret-a", cookie, token)
    assert not csrf.valid("secret-b", cookie, token)
    assert not csrf.valid("secret-a", csrf.new_cookie_value(), token)
    assert not csrf.valid("secret-a", cookie, None) and not csrf.valid("secret-a", None, token)


def test_only_actions_the_state_allows_and_the_roles_may_take():
    allowed = ["hand-over", "request-supplement", "resolve", "apologise", "withdraw", "home-visit"]
    assert [a.name for a in offered(allowed, ["desk"])] == ["hand-over", "withdraw", "home-visit"]
    assert [a.name for a in offered(allowed, ["specialist"])] == [
        "hand-over",
        "request-supplement",
        "resolve",
        "apologise",
    ]
    assert offered(["return"], ["specialist"]) == []


def test_form_fields_become_intakes_body():
    body = body_from_form(
        ACTIONS["request-supplement"],
        {"missing_papers": "Tờ khai\r\n\r\nBản sao CCCD ", "reason": "Thiếu"},
    )
    assert body == {"missing_papers": ["Tờ khai", "Bản sao CCCD"], "reason": "Thiếu"}
    assert body_from_form(ACTIONS["home-visit"], {"purpose": "return"}) == {
        "purpose": "return",
        "urgent": False,
    }
    assert body_from_form(ACTIONS["resolve"], {"outcome": "approved", "reason": "  "}) == {
        "outcome": "approved"
    }


def test_printable_forms_follow_the_history():
    assert [f.number for f in printable("received", {"receive"})] == ["Mẫu số 01", "Mẫu số 06"]
    assert [f.slug for f in printable("awaiting_papers", {"desk-request-papers"})] == [
        "yeu-cau-bo-sung"
    ]
    assert [f.slug for f in printable("refused_at_desk", {"desk-refuse"})] == ["tu-choi"]
    assert "xin-loi" in [f.slug for f in printable("in_progress", {"receive", "apologise"})]
    assert (
        lookup_link("http://desk.example/", "26734-261202-0001")
        == "http://desk.example/tra-cuu/26734-261202-0001"
    )


def test_a_linked_dossier_is_resolved_through_its_agencies_only():
    assert "resolve" not in [
        a.name for a in offered(["resolve", "apologise"], ["specialist"], linked=True)
    ]


def test_the_confirmation_repeats_the_choice_in_words():
    from desk.domain.actions import describe

    spec = ACTIONS["return"]
    assert describe(spec, body_from_form(spec, {"method": "at_home"})) == [
        ("Hình thức trả", "Tại nhà")
    ]
    apology = ACTIONS["apologise"]
    assert describe(apology, {"new_due_date": "2026-12-21"}) == [("Ngày hẹn trả mới", "21/12/2026")]
