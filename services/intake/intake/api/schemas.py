"""Request bodies. Every text a person typed must be NFC; phone and CCCD are checked by the
domain's rules; a refusal names the field in Vietnamese and English (422), nothing stored."""

from collections.abc import Callable
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from motcua_shared.contract.dossier_events import Channel, ResolutionOutcome, ReturnMethod
from motcua_shared.contract.event_base import MessageChannel
from motcua_shared.vietnam.text import require_nfc
from motcua_shared.web.api_errors import bilingual_error

from intake.domain.citizen import Citizen, check_cccd, normalise_phone
from intake.domain.errors import RuleViolation
from intake.domain.lifecycle import DeskCheck


def _nfc(value: str) -> str:
    try:
        return require_nfc(value)
    except ValueError:
        raise bilingual_error(
            "Văn bản phải ở dạng Unicode chuẩn hoá NFC", "Text must be Unicode NFC"
        ) from None


def _domain_rule(check: Callable[[str], str]) -> Callable[[str], str]:
    def validate(value: str) -> str:
        try:
            return check(value)
        except RuleViolation as exc:
            raise bilingual_error(exc.vi, exc.en) from None

    return validate


Text = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_nfc)]
Phone = Annotated[str, AfterValidator(_domain_rule(normalise_phone))]
Cccd = Annotated[str, AfterValidator(_domain_rule(check_cccd))]
Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9.\-]+$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CitizenIn(Strict):
    """Người nộp hồ sơ / the applicant. Stays in intake's database; events carry only contact."""

    full_name: Annotated[Text, Field(max_length=200, description="Họ và tên / full name")]
    cccd: Cccd | None = Field(None, description="Số CCCD, 12 chữ số / citizen ID, 12 digits")
    phone: Phone | None = Field(None, description="Số điện thoại / phone, e.g. 0912 345 678")
    address: Text | None = Field(
        None, description="Địa chỉ (phục vụ tại nhà) / address for home service"
    )
    consent: bool = Field(False, description="Đồng ý nhận tin nhắn / agrees to receive messages")
    preferred_channel: MessageChannel = MessageChannel.ZALO

    def to_domain(self) -> Citizen:
        return Citizen(**self.model_dump())


class ReceiveRequest(Strict):
    procedure_code: Code = Field(description="Mã thủ tục / procedure code, e.g. 2.000843")
    channel: Channel = Field(
        Channel.DIRECT, description="Kênh tiếp nhận / direct, online or postal"
    )
    desk_check: DeskCheck = Field(
        description="Kết quả kiểm tra hồ sơ / complete, incomplete or ineligible"
    )
    citizen: CitizenIn
    home_service: bool = Field(False, description="Yêu cầu phục vụ tại nhà / asks for home service")
    missing_papers: list[Text] = Field(
        default_factory=list,
        max_length=50,
        description="Giấy tờ còn thiếu (khi chưa đủ) / missing papers",
    )
    reason: Text | None = Field(None, description="Lý do từ chối hoặc yêu cầu bổ sung / reason")
    unit_code: Code | None = Field(
        None, description="Nếu có, phải là đơn vị của cán bộ / must be the officer's unit"
    )


class HandOverRequest(Strict):
    to_officer_id: Code = Field(description="Cán bộ nhận hồ sơ / officer receiving the dossier")
    step: Code = Field(description="Bước xử lý / step, e.g. chuyen-mon, lanh-dao-ky, tra-ket-qua")
    note: Text | None = None


class RequestSupplementRequest(Strict):
    missing_papers: list[Text] = Field(min_length=1, max_length=50)
    reason: Text


class ResolveRequest(Strict):
    outcome: ResolutionOutcome = Field(description="approved | refused")
    reason: Text | None = Field(None, description="Bắt buộc khi từ chối / required when refused")


class ApologiseRequest(Strict):
    new_due_date: date = Field(
        description="Ngày hẹn trả mới (ngày làm việc) / new due date (a working day)"
    )
    reason: Text


class ReturnRequest(Strict):
    method: ReturnMethod = Field(description="at_desk | at_home")


class WithdrawRequest(Strict):
    reason: Text | None = None


class HomeVisitRequest(Strict):
    urgent: bool = Field(
        False, description="Khẩn cấp: thứ Sáu cùng tuần / urgent: the Friday of that week"
    )
    purpose: Literal["receive", "return"] = "receive"


class CalendarOverridesRequest(Strict):
    extra_days_off: list[date] = Field(default_factory=list, max_length=366)
    extra_working_days: list[date] = Field(default_factory=list, max_length=366)
