"""Every citizen's messages arrive in lifecycle order (issue 15): the order in which the gateway
accepted a dossier's messages follows the order of the events that made them.

Why it can break: with several relays, partitions and consumer fail-overs, a dossier's
`resolved` can reach notify before its `received`; notify must hold it (aggregate_version) and
send in the order of the dossier's lifecycle, so a citizen never reads "your result is ready"
before "we received your dossier".

How: the sandbox gateway keeps what it accepted in arrival order, each with notify's message id
(`reference`); notify's message log gives that message's event; intake's outbox gives the
event's `aggregate_version` in the dossier's lifecycle. Messages made from survey's events
(the survey link, a follow-up answer) come after every lifecycle message of their dossier (a
survey opens once the result is returned, the last step of every journey that has one).
"""

from collections import defaultdict
from typing import Any

import httpx
from pymongo.asynchronous.database import AsyncDatabase

from faultrun.figures import Check

AFTER_THE_LIFECYCLE = 1_000_000  # the rank of a message made from a survey event


async def lifecycle_order(
    sandbox_url: str, notify_db: AsyncDatabase, intake_db: AsyncDatabase
) -> Check:
    async with httpx.AsyncClient(base_url=sandbox_url, timeout=60) as sandbox:
        accepted: list[dict[str, Any]] = (await sandbox.get("/_sandbox/messages")).json()
    references = [a["reference"] for a in accepted if a.get("reference")]
    made = {
        doc["_id"]: doc
        async for doc in notify_db.messages.find(
            {"_id": {"$in": references}}, {"event_id": 1, "dossier_code": 1, "kind": 1}
        )
    }
    event_ids = list({doc["event_id"] for doc in made.values()})
    versions = {
        doc["_id"]: doc["aggregate_version"]
        async for doc in intake_db.outbox.find(
            {"_id": {"$in": event_ids}}, {"aggregate_version": 1}
        )
    }
    arrivals: dict[str, list[tuple[int, str]]] = defaultdict(
        list
    )  # dossier → (rank, kind) as accepted
    unknown = 0
    for attempt in accepted:
        message = made.get(attempt.get("reference"))
        if message is None or not message.get("dossier_code"):
            unknown += message is None
            continue
        rank = versions.get(message["event_id"], AFTER_THE_LIFECYCLE)
        arrivals[message["dossier_code"]].append((rank, message["kind"]))
    out_of_order = {
        code: seq
        for code, seq in arrivals.items()
        if any(later[0] < earlier[0] for earlier, later in zip(seq, seq[1:], strict=False))
    }
    return Check(
        "every citizen's messages arrived in lifecycle order",
        ok=not out_of_order and not unknown,
        lines=[
            f"{len(accepted)} messages for {len(arrivals)} dossiers, in the order of their events; "
            f"out of order {len(out_of_order)}; accepted but unknown to notify {unknown}",
            *[
                f"  {code}: "
                + " → ".join(
                    f"{kind} (v{rank})" if rank < AFTER_THE_LIFECYCLE else f"{kind} (survey)"
                    for rank, kind in seq
                )
                for code, seq in list(out_of_order.items())[:10]
            ],
        ],
    )
