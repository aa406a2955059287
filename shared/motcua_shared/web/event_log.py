"""The outbox as an event log others can read: `GET /api/v1/events?after=…&limit=…`.

Reporting rebuilds its projections from the logs of intake and survey through this endpoint
(a `system` token), so a rebuild never depends on what is still in a queue. The log is for
projections, which hold no personal data: the citizen's contact is blanked on the way out.
"""

import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from motcua_shared.contract.event_base import CitizenContact
from motcua_shared.messaging.outbox import Outbox
from motcua_shared.web.auth import Principal, PrincipalDep, require_roles


def event_log_router(outbox: Callable[[], Outbox], principal_dep: PrincipalDep) -> APIRouter:
    router = APIRouter(tags=["event log"])

    @router.get("/api/v1/events", summary="Events in write order (for rebuilding projections)")
    async def events(
        _: Annotated[Principal, Depends(require_roles(principal_dep, "system"))],
        after: Annotated[str | None, Query(pattern="^[0-9a-f]{24}$")] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 500,
    ) -> dict[str, Any]:
        docs = await outbox().page(after, limit)
        return {
            "events": [_without_contact(json.loads(doc["body"])) for doc in docs],
            "next": str(docs[-1]["seq"]) if docs else after,
        }

    return router


def _without_contact(envelope: dict[str, Any]) -> dict[str, Any]:
    payload = envelope.get("payload", {})
    if "contact" in payload:
        payload["contact"] = CitizenContact().model_dump(mode="json")
    return envelope
