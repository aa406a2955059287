"""GET /api/v1/dossiers/{code}/messages: what the citizen was told, for the unit's officers.
An officer of another unit gets 403, as from every other service (Decree 118/2025/NĐ-CP:
each officer acts within their unit)."""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from motcua_shared.vietnam.privacy import mask_phone
from motcua_shared.web.auth import Principal, PrincipalDep, ensure_unit, require_roles

from notify.domain.message import Message

MessagesOf = Callable[[str], Awaitable[list[Message]]]


def messages_router(
    messages_of: Callable[[], MessagesOf], principal_dep: PrincipalDep
) -> APIRouter:
    router = APIRouter(tags=["messages"])

    @router.get(
        "/api/v1/dossiers/{code}/messages", summary="Messages sent about a dossier (phones masked)"
    )
    async def dossier_messages(
        code: Annotated[str, Path(max_length=64)],
        principal: Annotated[
            Principal,
            Depends(require_roles(principal_dep, "desk", "specialist", "leader", "admin")),
        ],
    ) -> dict[str, Any]:
        messages = await messages_of()(code)
        for message in messages:
            ensure_unit(principal, message.unit_code)
        return {"dossier_code": code, "messages": [_view(m) for m in messages]}

    return router


def _view(message: Message) -> dict[str, Any]:
    rendered = message.rendered
    return {
        "message_id": message.id,
        "kind": message.kind,
        "status": message.status,
        "phone": mask_phone(message.phone),
        "channel": message.channel,
        "reason": message.reason,
        "text": rendered.text_vi if rendered else None,
        "sms_text": rendered.sms_text if rendered else None,
        "not_before": message.not_before,
        "created_at": message.created_at,
        "history": [
            {k: v.isoformat() if isinstance(v, datetime) else v for k, v in step.items()}
            for step in message.history
        ],
    }
