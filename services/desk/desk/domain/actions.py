"""The actions a dossier page offers: only those intake says its state allows AND the officer's
roles may take (Decree 118/2025/NĐ-CP: the desk receives and returns, the specialist and the
leader process and sign), each with its Vietnamese label, the fields it asks for and the
sentence the officer confirms. Which printed form follows an action (Circular 03/2025/TT-VPCP
Appendix I) is in forms.py."""

from dataclasses import dataclass, field

from desk.domain.display_text import vn_date


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text | textarea | date | select | checkbox | officer
    required: bool = True
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ActionSpec:
    name: str  # intake's action, the path segment of POST /api/v1/dossiers/{code}/{name}
    label: str
    roles: tuple[str, ...]
    confirm: str
    fields: tuple[Field, ...] = field(default_factory=tuple)


DESK, PROCESSING, HANDLERS = ("desk",), ("specialist", "leader"), ("desk", "specialist", "leader")

STEPS = (
    ("chuyen-mon", "Chuyển bộ phận chuyên môn"),
    ("lanh-dao-ky", "Trình lãnh đạo ký"),
    ("tra-ket-qua", "Chuyển bộ phận trả kết quả"),
)

ACTIONS: dict[str, ActionSpec] = {
    spec.name: spec
    for spec in (
        ActionSpec(
            "supply-papers", "Nhận giấy tờ bổ sung", DESK, "Công dân đã nộp đủ giấy tờ còn thiếu?"
        ),
        ActionSpec(
            "hand-over",
            "Chuyển hồ sơ",
            HANDLERS,
            "Chuyển hồ sơ cho cán bộ đã chọn?",
            (
                Field("to_officer_id", "Chuyển cho cán bộ", "officer"),
                Field("step", "Bước xử lý", "select", options=STEPS),
                Field("note", "Ghi chú", "textarea", required=False),
            ),
        ),
        ActionSpec(
            "request-supplement",
            "Yêu cầu bổ sung hồ sơ",
            PROCESSING,
            "Gửi yêu cầu bổ sung, hoàn thiện hồ sơ cho công dân?",
            (
                Field("missing_papers", "Giấy tờ cần bổ sung (mỗi dòng một loại)", "textarea"),
                Field("reason", "Lý do", "textarea"),
            ),
        ),
        ActionSpec(
            "resolve",
            "Có kết quả giải quyết",
            PROCESSING,
            "Ghi nhận kết quả giải quyết hồ sơ?",
            (
                Field(
                    "outcome",
                    "Kết quả",
                    "select",
                    options=(
                        ("approved", "Chấp thuận / cấp kết quả"),
                        ("refused", "Từ chối giải quyết"),
                    ),
                ),
                Field("reason", "Lý do (bắt buộc khi từ chối)", "textarea", required=False),
            ),
        ),
        ActionSpec(
            "apologise",
            "Xin lỗi và hẹn lại ngày trả",
            PROCESSING,
            "Lập văn bản xin lỗi và hẹn lại ngày trả kết quả?",
            (
                Field("new_due_date", "Ngày hẹn trả mới", "date"),
                Field("reason", "Lý do chậm", "textarea"),
            ),
        ),
        ActionSpec(
            "return",
            "Trả kết quả",
            DESK,
            "Đã trao kết quả cho công dân?",
            (
                Field(
                    "method",
                    "Hình thức trả",
                    "select",
                    options=(("at_desk", "Tại Bộ phận Một cửa"), ("at_home", "Tại nhà")),
                ),
            ),
        ),
        ActionSpec(
            "withdraw",
            "Rút hồ sơ",
            DESK,
            "Công dân xin rút hồ sơ? Hồ sơ sẽ dừng giải quyết.",
            (Field("reason", "Lý do", "textarea", required=False),),
        ),
        ActionSpec(
            "home-visit",
            "Hẹn đến tận nhà",
            DESK,
            "Lên lịch đến nhà công dân?",
            (
                Field(
                    "purpose",
                    "Mục đích",
                    "select",
                    options=(("receive", "Nhận hồ sơ"), ("return", "Trả kết quả")),
                ),
                Field("urgent", "Khẩn cấp (thứ Sáu cùng tuần)", "checkbox", required=False),
            ),
        ),
    )
}


# A linked ("3 trong 1") dossier is resolved agency by agency (the `agency` field names which).
TASK_ACTION = ActionSpec(
    "resolve-task",
    "Cơ quan liên thông có kết quả",
    PROCESSING,
    "Ghi nhận kết quả của cơ quan liên thông?",
    ACTIONS["resolve"].fields,
)


def offered(allowed: list[str], roles: list[str], linked: bool = False) -> list[ActionSpec]:
    """The actions shown: allowed by the dossier's state (intake's `allowed_actions`) and the roles;
    a linked dossier is resolved through its agencies' tasks, never as a whole."""
    return [
        ACTIONS[name]
        for name in allowed
        if name in ACTIONS
        and any(r in ACTIONS[name].roles for r in roles)
        and not (linked and name == "resolve")
    ]


def spec_of(action: str) -> ActionSpec | None:
    return TASK_ACTION if action == TASK_ACTION.name else ACTIONS.get(action)


def body_from_form(spec: ActionSpec, form: dict[str, str]) -> dict[str, object]:
    """The JSON intake expects, from the form's text fields (empty optional fields left out)."""
    body: dict[str, object] = {}
    for item in spec.fields:
        raw = (form.get(item.name) or "").strip()
        if item.kind == "checkbox":
            body[item.name] = raw in ("1", "on", "true")
        elif item.name == "missing_papers":
            body[item.name] = [line.strip() for line in raw.splitlines() if line.strip()]
        elif raw:
            body[item.name] = raw
    return body


HISTORY_LABELS = {
    "receive": "Tiếp nhận hồ sơ",
    "desk-request-papers": "Yêu cầu bổ sung tại quầy",
    "desk-refuse": "Từ chối tiếp nhận",
    "supply-papers": "Nhận giấy tờ bổ sung",
    "hand-over": "Chuyển hồ sơ",
    "request-supplement": "Yêu cầu bổ sung hồ sơ",
    "resolve": "Có kết quả giải quyết",
    "resolve-task": "Cơ quan liên thông có kết quả",
    "apologise": "Xin lỗi và hẹn lại ngày trả",
    "return": "Trả kết quả",
    "withdraw": "Rút hồ sơ",
    "home-visit": "Hẹn đến tận nhà",
}


def history_label(action: str) -> str:
    """A line of the control slip in words; an action this page does not know yet keeps its name."""
    return HISTORY_LABELS.get(action, action)


def describe(spec: ActionSpec, body: dict[str, object]) -> list[tuple[str, str]]:
    """What the confirmation page repeats back, in words: (label, value) per field given."""
    lines = []
    for item in spec.fields:
        if item.name not in body:
            continue
        value = body[item.name]
        if item.kind == "checkbox":
            text = "Có" if value else "Không"
        elif item.kind == "date":
            text = vn_date(str(value))
        elif isinstance(value, list):
            text = "; ".join(str(v) for v in value)
        else:
            text = dict(item.options).get(str(value), str(value))
        lines.append((item.label, text))
    return lines
