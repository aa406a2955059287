"""Server-rendered Vietnamese pages for citizens (no JavaScript), and friendly error pages."""

from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from survey.domain.errors import SurveyAlreadyAnswered, SurveyError, SurveyExpired, SurveyNotFound

_templates = Environment(
    loader=PackageLoader("survey", "templates"), autoescape=select_autoescape(["html"])
)

# The link carries the survey's token: keep it out of caches and other sites' Referer headers.
_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

_SURVEY_PROBLEMS: dict[type[SurveyError], tuple[int, str, list[str]]] = {
    SurveyNotFound: (
        404,
        "Không tìm thấy phiếu khảo sát",
        [
            "Đường liên kết không đúng hoặc không còn tồn tại.",
            "Vui lòng mở lại đường liên kết trong tin nhắn đã nhận, hoặc hỏi Bộ phận Một cửa.",
        ],
    ),
    SurveyExpired: (
        410,
        "Phiếu khảo sát đã hết hạn",
        [
            "Rất tiếc, thời gian đánh giá cho hồ sơ này đã kết thúc.",
            "Ông/bà vẫn có thể góp ý qua hòm thư góp ý của đơn vị.",
        ],
    ),
    SurveyAlreadyAnswered: (
        409,
        "Hồ sơ này đã được đánh giá",
        [
            "Mỗi hồ sơ chỉ được đánh giá một lần và đánh giá của ông/bà đã được ghi nhận.",
            "Xin cảm ơn ông/bà.",
        ],
    ),
}


def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = _templates.get_template(template).render(**context)
    return HTMLResponse(html, status_code=status, headers=_HEADERS)


def message_page(status: int, heading: str, paragraphs: list[str], **context: Any) -> HTMLResponse:
    return page(
        "message.html", status, title=heading, heading=heading, paragraphs=paragraphs, **context
    )


def survey_problem_page(error: SurveyError) -> HTMLResponse:
    status, heading, paragraphs = _SURVEY_PROBLEMS[type(error)]
    return message_page(status, heading, paragraphs)
