"""Webhooks the providers call: Zalo's delivery event, the SMS gateway's delivery report and
its inbound messages (a citizen answering STOP opts out)."""

import hmac
import logging
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from motcua_shared.vietnam.phones import InvalidPhone
from motcua_shared.web.api_errors import ApiError

from notify.api.schemas import SmsDeliveryReport, SmsInbound, WebhookAnswer
from notify.app.opt_outs import RecordOptOut
from notify.app.receipts import ApplyReceipt
from notify.domain.opt_out import is_stop_request
from notify.domain.zalo_events import (
    SIGNATURE_HEADER,
    BadZaloEvent,
    delivery_of,
    verify_and_parse,
)

log = logging.getLogger(__name__)


def webhook_router(
    receipts: Callable[[], ApplyReceipt],
    record_opt_out: Callable[[], RecordOptOut],
    *,
    oa_secret_key: str,
    app_id: str,
    webhook_token: str,
) -> APIRouter:
    router = APIRouter(tags=["provider webhooks"])

    async def check_token(token: Annotated[str | None, Query()] = None) -> None:
        """A dependency: solved before the body is validated, so a caller without the token learns
        nothing from a 422 (the body cap, main.py, bounds what is read at all)."""
        # Bytes: compare_digest refuses str with non-ASCII characters (a TypeError, so a 500).
        if not token or not hmac.compare_digest(token.encode(), webhook_token.encode()):
            raise ApiError(
                401,
                "bad_webhook_token",
                "Mã xác thực webhook không đúng",
                "Missing or wrong webhook token",
                field="token",
            )

    @router.post(
        "/api/v1/webhooks/zalo",
        response_model=WebhookAnswer,
        summary="Zalo OA events; user_received_message marks a ZNS message delivered",
    )
    async def zalo_event(request: Request) -> WebhookAnswer:
        try:
            event = verify_and_parse(
                await request.body(), request.headers.get(SIGNATURE_HEADER), oa_secret_key, app_id
            )
        except BadZaloEvent as exc:
            raise ApiError(
                401,
                "bad_signature",
                "Chữ ký sự kiện Zalo không hợp lệ",
                f"Zalo event rejected: {exc}",
                field=SIGNATURE_HEADER,
            ) from exc
        delivery = delivery_of(event)
        if delivery is None:
            return WebhookAnswer(result="ignored")
        result = await receipts()(
            message_id=delivery.tracking_id,
            provider_id=delivery.msg_id,
            delivered=True,
            detail="zalo user_received_message",
            at=delivery.delivered_at,
        )
        return WebhookAnswer(result=result)

    @router.post(
        "/api/v1/webhooks/sms/delivery",
        response_model=WebhookAnswer,
        summary="The SMS gateway's delivery report",
    )
    async def sms_delivery(
        report: SmsDeliveryReport, _: Annotated[None, Depends(check_token)]
    ) -> WebhookAnswer:
        delivered = report.status.lower() == "delivered"
        result = await receipts()(
            message_id=report.request_id,
            provider_id=report.sms_id,
            delivered=delivered,
            detail=f"sms {report.status} {report.error or ''}".strip(),
            at=report.delivered_at,
        )
        return WebhookAnswer(result=result)

    @router.post(
        "/api/v1/webhooks/sms/inbound",
        response_model=WebhookAnswer,
        summary="A message sent to the brandname (MO); STOP opts the number out",
    )
    async def sms_inbound(
        inbound: SmsInbound, _: Annotated[None, Depends(check_token)]
    ) -> WebhookAnswer:
        if not is_stop_request(inbound.text):
            return WebhookAnswer(result="ignored")
        try:
            await record_opt_out()(inbound.phone, source="sms_stop")
        except InvalidPhone as exc:
            log.warning("STOP from a number we cannot read: %s", exc)
            return WebhookAnswer(result="invalid_phone")
        return WebhookAnswer(result="opted_out")

    return router
