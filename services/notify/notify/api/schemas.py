"""Request and response bodies of notify's HTTP API and webhooks."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from motcua_shared.vietnam.phones import InvalidPhone, normalise_phone
from motcua_shared.vietnam.text import NfcStr
from motcua_shared.web.api_errors import bilingual_error


class OptOutRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: NfcStr = Field(min_length=1, max_length=32, examples=["0912 345 678"])
    note: NfcStr | None = Field(None, max_length=200, description="e.g. 'nói tại quầy'")

    @field_validator("phone")
    @classmethod
    def _valid_phone(cls, value: str) -> str:
        try:
            normalise_phone(value)
        except InvalidPhone as exc:
            raise bilingual_error(
                "Số điện thoại không hợp lệ hoặc không phải số di động Việt Nam",
                f"invalid phone number: {exc}",
            ) from exc
        return value


class OptOutResponse(BaseModel):
    phone: str = Field(description="Masked, e.g. +84*******678")
    opted_out: bool = True
    created: bool = Field(description="False when the number had already opted out")


class SmsDeliveryReport(BaseModel):
    """The SMS gateway's delivery report (DLR)."""

    sms_id: str | None = None
    request_id: str | None = Field(None, description="Our message id, sent with the SMS")
    status: str = Field(description="delivered | failed")
    error: str | None = None
    delivered_at: datetime | None = None


class SmsInbound(BaseModel):
    """A message the citizen sent to the brandname (MO), e.g. 'STOP'."""

    phone: str = Field(max_length=32, description="The sender, e.g. 84912345678")
    text: str = Field(max_length=500)
    received_at: datetime | None = None


class WebhookAnswer(BaseModel):
    ok: bool = True
    result: str
