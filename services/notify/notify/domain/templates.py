"""The template catalogue: per kind, the Zalo ZNS template (as registered with Zalo, with its
parameters) and the SMS text. Both address "Ông/Bà": events carry no citizen name, by design.

SMS texts are written in Vietnamese and transliterated when rendered (see `rendering.py`).
Placeholders are message fields: code, procedure, unit, due, new_due, visit_date, lookup_url,
survey_url, reason, missing_papers, feedback_date, subject, amount, payment_url.
Condolences are worded with care: no survey, no thanks for
"using the service", nothing that reads like marketing.
"""

from dataclasses import dataclass, field

from notify.domain.message_kinds import MessageKind as K


@dataclass(frozen=True)
class ZnsParam:
    name: str  # the parameter's name in the registered ZNS template
    max_length: int  # ZNS limits each parameter's length by its type


# Field -> ZNS parameter. Lengths follow ZNS parameter types (code 30, time 20, text/URL 200).
ZNS_PARAMS: dict[str, ZnsParam] = {
    "code": ZnsParam("ma_ho_so", 30),
    "procedure": ZnsParam("ten_thu_tuc", 200),
    "unit": ZnsParam("don_vi", 200),
    "due": ZnsParam("ngay_hen", 20),
    "new_due": ZnsParam("ngay_hen_moi", 20),
    "visit_date": ZnsParam("ngay_den", 20),
    "lookup_url": ZnsParam("link_tra_cuu", 200),
    "survey_url": ZnsParam("link_khao_sat", 200),
    "reason": ZnsParam("ly_do", 200),
    "missing_papers": ZnsParam("giay_to_bo_sung", 200),
    "feedback_date": ZnsParam("ngay_phan_anh", 20),
    "subject": ZnsParam("ve_viec", 200),
    "amount": ZnsParam("so_tien", 30),
    "payment_url": ZnsParam("link_thanh_toan", 200),
}


@dataclass(frozen=True)
class Template:
    kind: K
    zns_template_id: str  # default id; a deployment sets its own (NOTIFY_ZNS_TEMPLATE_IDS)
    zalo_text: str  # {field} placeholders; sent as template_data, shown by the sandbox
    sms_text: str  # Vietnamese; transliterated and fitted into one GSM-7 part. No full stop
    # after a name that may end in '...' (it would read '....').
    # Names longer than this are cut with '...' in the SMS, and cut further (never below
    # rendering.NAME_FLOOR) when the message would otherwise need a second part.
    sms_caps: dict[str, int] = field(default_factory=lambda: {"procedure": 40, "unit": 40})


_GREETING = "Kính gửi Ông/Bà,\n"

TEMPLATES: dict[K, Template] = {
    t.kind: t
    for t in (
        Template(
            K.RECEIVED,
            "400101",
            _GREETING + "{unit} đã tiếp nhận hồ sơ {procedure}.\nMã hồ sơ: {code}\n"
            "Ngày hẹn trả kết quả: {due}\nTra cứu tình trạng hồ sơ: {lookup_url}",
            "Hồ sơ {code} ({procedure}) đã tiếp nhận, hẹn trả {due}. Tra cứu: {lookup_url}",
        ),
        Template(
            K.SUPPLEMENT_AT_DESK,
            "400102",
            _GREETING + "Hồ sơ {procedure} (mã {code}) chưa đủ giấy tờ để tiếp nhận.\n"
            "Giấy tờ cần bổ sung: {missing_papers}\nMời Ông/Bà bổ sung tại Bộ phận Một cửa {unit}.",
            "Hồ sơ {procedure} chưa đủ giấy tờ để tiếp nhận. Mời Ông/Bà bổ sung tại Bộ "
            "phận Một cửa {unit}",
        ),
        Template(
            K.SUPPLEMENT_IN_PROCESSING,
            "400103",
            _GREETING
            + "Hồ sơ {procedure} (mã {code}) cần bổ sung giấy tờ để tiếp tục giải quyết.\n"
            "Giấy tờ cần bổ sung: {missing_papers}\nLý do: {reason}\n"
            "Mời Ông/Bà liên hệ Bộ phận Một cửa {unit}.",
            "Hồ sơ {code} ({procedure}) cần bổ sung giấy tờ. Mời Ông/Bà liên hệ Bộ phận "
            "Một cửa {unit}",
        ),
        Template(
            K.APOLOGY,
            "400104",
            _GREETING
            + "{unit} thành thật xin lỗi Ông/Bà: hồ sơ {procedure} (mã {code}) chưa có kết quả "
            "đúng hẹn.\nLý do: {reason}\nNgày hẹn trả kết quả mới: {new_due}",
            "{unit} xin lỗi Ông/Bà: hồ sơ {code} ({procedure}) chưa có kết quả đúng hẹn. "
            "Ngày hẹn mới: {new_due}.",
        ),
        Template(
            K.RESULT_READY_AT_DESK,
            "400105",
            _GREETING + "Hồ sơ {procedure} (mã {code}) đã có kết quả.\n"
            "Mời Ông/Bà đến Bộ phận Một cửa {unit} để nhận kết quả.",
            "Hồ sơ {code} ({procedure}) đã có kết quả. Mời Ông/Bà đến Bộ phận Một cửa "
            "{unit} để nhận.",
        ),
        Template(
            K.RESULT_READY_AT_HOME,
            "400106",
            _GREETING + "Hồ sơ {procedure} (mã {code}) đã có kết quả.\n"
            "Cán bộ {unit} sẽ trả kết quả tại nhà Ông/Bà ngày {visit_date}.",
            "Hồ sơ {code} ({procedure}) đã có kết quả. Cán bộ {unit} sẽ trả tại nhà ngày "
            "{visit_date}.",
        ),
        Template(
            K.HOME_VISIT_RECEIVE,
            "400107",
            _GREETING
            + "Cán bộ {unit} sẽ đến nhà Ông/Bà ngày {visit_date} để tiếp nhận hồ sơ {procedure} "
            "(mã {code}).",
            "Cán bộ {unit} sẽ đến nhà Ông/Bà ngày {visit_date} để tiếp nhận hồ sơ {procedure}",
        ),
        Template(
            K.HOME_VISIT_RETURN,
            "400108",
            _GREETING
            + "Cán bộ {unit} sẽ đến nhà Ông/Bà ngày {visit_date} để trả kết quả hồ sơ {procedure} "
            "(mã {code}).",
            "Cán bộ {unit} sẽ đến nhà Ông/Bà ngày {visit_date} để trả kết quả hồ sơ {code}.",
        ),
        Template(
            K.SURVEY_OPENED,
            "400109",
            _GREETING
            + "Mời Ông/Bà cho biết mức độ hài lòng về việc giải quyết hồ sơ {code} tại {unit}.\n"
            "Phiếu khảo sát: {survey_url}",
            "Mời Ông/Bà cho biết mức độ hài lòng về hồ sơ {code} tại: {survey_url}",
        ),
        Template(
            K.REFUSED_AT_DESK,
            "400110",
            _GREETING + "Hồ sơ {procedure} chưa được tiếp nhận.\nLý do: {reason}\n"
            "Ông/Bà có thể liên hệ Bộ phận Một cửa {unit} để được hướng dẫn.",
            "Hồ sơ {procedure} chưa được tiếp nhận. Lý do ghi tại phiếu từ chối của Bộ "
            "phận Một cửa {unit}",
        ),
        Template(
            K.CONGRATULATIONS_BIRTH,
            "400111",
            "{unit} xin chúc mừng gia đình Ông/Bà đón thành viên mới.\n"
            "Việc đăng ký khai sinh (hồ sơ {code}) đã hoàn tất.",
            "{unit} chúc mừng gia đình Ông/Bà đón thành viên mới. Đăng ký khai sinh (hồ "
            "sơ {code}) đã hoàn tất.",
        ),
        Template(
            K.CONGRATULATIONS_MARRIAGE,
            "400112",
            "{unit} xin chúc mừng Ông/Bà đã hoàn tất đăng ký kết hôn (hồ sơ {code}).\n"
            "Chúc Ông/Bà và gia đình luôn hạnh phúc.",
            "{unit} chúc mừng Ông/Bà đã hoàn tất đăng ký kết hôn (hồ sơ {code}). Chúc gia "
            "đình hạnh phúc.",
        ),
        Template(
            K.CONDOLENCES,
            "400113",
            "{unit} xin thành kính chia buồn cùng Ông/Bà và gia đình.\n"
            "Thủ tục đăng ký khai tử (hồ sơ {code}) đã hoàn tất.",
            "{unit} xin thành kính chia buồn cùng Ông/Bà và gia đình. Thủ tục khai tử (hồ "
            "sơ {code}) đã hoàn tất.",
        ),
        Template(
            K.FEEDBACK_ANSWERED,
            "400114",
            _GREETING
            + "{unit} đã xem xét, xử lý phản ánh, kiến nghị Ông/Bà gửi ngày {feedback_date} "
            "({subject}).\n"
            "Cảm ơn Ông/Bà đã góp ý. Để biết chi tiết, mời Ông/Bà liên hệ Bộ phận Một cửa {unit}.",
            "{unit} đã xử lý phản ánh, kiến nghị Ông/Bà gửi ngày {feedback_date} ({subject}). "
            "Chi tiết xin liên hệ Bộ phận Một cửa",
            sms_caps={"unit": 40, "subject": 30},
        ),
        Template(
            K.FEE_REQUESTED,
            "400201",
            _GREETING + "Hồ sơ {procedure} (mã {code}) tại {unit} cần nộp phí, lệ phí {amount}.\n"
            "Ông/Bà có thể thanh toán trực tuyến tại: {payment_url}",
            "Hồ sơ {code}: mời Ông/Bà nộp phí, lệ phí {amount} trực tuyến tại: {payment_url}",
        ),
    )
}
