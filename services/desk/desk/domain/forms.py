"""The printed forms of Circular 03/2025/TT-VPCP, Appendix I (current names, domain.md), each on
one A5 page except the control slip (A4 when its hand-overs need the room), with a QR code of
the dossier's public look-up link. Which forms a dossier can print follows from its history."""

from dataclasses import dataclass


@dataclass(frozen=True)
class FormSpec:
    slug: str
    number: str
    title: str
    page: str  # A5 | A4


FORMS: dict[str, FormSpec] = {
    f.slug: f
    for f in (
        FormSpec("giay-tiep-nhan", "Mẫu số 01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "A5"),
        FormSpec("yeu-cau-bo-sung", "Mẫu số 02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "A5"),
        FormSpec("tu-choi", "Mẫu số 03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ", "A5"),
        FormSpec(
            "xin-loi", "Mẫu số 04", "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết", "A5"
        ),
        FormSpec(
            "phieu-kiem-soat", "Mẫu số 06", "Phiếu kiểm soát quá trình giải quyết hồ sơ", "A4"
        ),
    )
}


def printable(status: str, actions_done: set[str]) -> list[FormSpec]:
    """The forms this dossier has a reason to print, in the order of the circular."""
    slugs = []
    if "receive" in actions_done:
        slugs.append("giay-tiep-nhan")
    if (
        status == "awaiting_papers"
        or "request-supplement" in actions_done
        or "desk-request-papers" in actions_done
    ):
        slugs.append("yeu-cau-bo-sung")
    if status == "refused_at_desk":
        slugs.append("tu-choi")
    if "apologise" in actions_done:
        slugs.append("xin-loi")
    if "receive" in actions_done:
        slugs.append("phieu-kiem-soat")
    return [FORMS[s] for s in slugs]


def lookup_link(public_url: str, code: str) -> str:
    return f"{public_url.rstrip('/')}/tra-cuu/{code}"
