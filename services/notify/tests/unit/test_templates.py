"""Every template: Zalo parameters within ZNS limits, and one SMS part even for
60-character names."""

import pytest

from notify.domain.message_kinds import MessageKind
from notify.domain.rendering import NAME_FLOOR, MessageTooLong, placeholders, render
from notify.domain.sms_text import SINGLE_PART
from notify.domain.templates import TEMPLATES, ZNS_PARAMS

CODE = "26734-251125-0001XYZ"  # 20 characters: longer than intake's <unit>-YYMMDD-NNNN
LONG_PROCEDURE = "Cấp bản sao trích lục hộ tịch, đăng ký lại khai sinh có yếu tố"[:60].ljust(
    60, "x"
)
LONG_UNIT = "Ủy ban nhân dân phường Bình Thạnh, Thành phố Hồ Chí Minh (mới)"[:60].ljust(60, "x")
FIELDS = {
    "code": CODE,
    "procedure": LONG_PROCEDURE,
    "unit": LONG_UNIT,
    "due": "05/12/2026",
    "new_due": "09/12/2026",
    "visit_date": "17/12/2026",
    "lookup_url": f"http://127.0.0.1:8005/tra-cuu/{CODE}",
    "survey_url": "http://127.0.0.1:8003/khao-sat/" + "A" * 32,
    "reason": "Thiếu giấy tờ " * 30,
    "missing_papers": "Tờ khai; Bản sao CCCD",
    "feedback_date": "24/08/2026",
    "subject": f"hồ sơ {CODE}",
    "amount": "200.000 đ",
    "payment_url": f"http://127.0.0.1:8001/thanh-toan/{CODE}",
}


def test_every_kind_has_a_template():
    assert set(TEMPLATES) == set(MessageKind)
    assert len({t.zns_template_id for t in TEMPLATES.values()}) == len(TEMPLATES)


@pytest.mark.parametrize("kind", list(MessageKind))
def test_each_template_fits_one_sms_part_with_60_character_names(kind):
    assert len(LONG_PROCEDURE) == len(LONG_UNIT) == 60
    rendered = render(TEMPLATES[kind], FIELDS)
    assert rendered.sms_parts == 1 and rendered.sms_septets <= SINGLE_PART
    assert rendered.sms_text.isascii()
    if placeholders(TEMPLATES[kind].sms_text) & {"procedure", "unit"}:
        assert "..." in rendered.sms_text  # a 60-character name is cut, visibly
    assert "...." not in rendered.sms_text


@pytest.mark.parametrize("kind", list(MessageKind))
def test_zns_parameters_keep_their_length_limits(kind):
    rendered = render(TEMPLATES[kind], FIELDS)
    by_name = {p.name: p.max_length for p in ZNS_PARAMS.values()}
    assert rendered.zns_data and all(len(v) <= by_name[k] for k, v in rendered.zns_data.items())
    assert "Thiếu giấy tờ" in str(rendered.zns_data) or "ly_do" not in rendered.zns_data


def test_short_names_are_kept_whole():
    rendered = render(
        TEMPLATES[MessageKind.RESULT_READY_AT_DESK],
        FIELDS | {"procedure": "Chứng thực bản sao", "unit": "UBND xã Cờ Đỏ"},
    )
    assert rendered.sms_text == (
        "Ho so 26734-251125-0001XYZ (Chung thuc ban sao) da co ket qua. "
        "Moi Ong/Ba den Bo phan Mot cua UBND xa Co Do de nhan."
    )


def test_a_message_that_cannot_fit_is_refused_with_the_reason():
    with pytest.raises(MessageTooLong, match="2 parts"):
        render(
            TEMPLATES[MessageKind.SURVEY_OPENED],
            FIELDS | {"survey_url": "https://x.vn/" + "a" * 120},
        )


def test_names_are_never_cut_below_the_floor():
    rendered = render(TEMPLATES[MessageKind.RECEIVED], FIELDS)
    procedure_part = rendered.sms_text.split("(")[1].split(")")[0]
    assert len(procedure_part) >= NAME_FLOOR


def test_template_id_can_be_the_one_zalo_gave():
    assert render(TEMPLATES[MessageKind.RECEIVED], FIELDS, "312345").zns_template_id == "312345"


def test_condolences_carry_no_survey_no_link_no_thanks():
    template = TEMPLATES[MessageKind.CONDOLENCES]
    text = (template.zalo_text + template.sms_text).lower()
    assert "chia buồn" in text
    assert not any(
        w in text for w in ("khảo sát", "hài lòng", "đánh giá", "cảm ơn", "http", "url", "dịch vụ")
    )
    assert placeholders(template.zalo_text) | placeholders(template.sms_text) <= {"unit", "code"}
