"""Use case: give every dossier notify handled before it kept event order records its last
handled version as its record (upgrading a running system to issue 15's version hold).

Why: without a record, a dossier's next event would wait for its version 1, which will never be
published again, and be dead-lettered after the bound. A version counts as handled when notify
stored its event id (`processed_events`), or when the event is older than those ids are kept
(`NOTIFY_MESSAGE_TTL_DAYS`): it was handled long ago and its id expired. Run it with notify stopped,
just before starting the new version: nothing is handled in between. Reads intake's event log
(every dossier event, in write order) page by page: one `$in` of the processed ids per page,
one bulk write per page; a record that exists is only ever raised (`$max`), never lowered.
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from datetime import datetime
from typing import Any

ProcessedAmong = Callable[[Collection[str]], Awaitable[set[str]]]
Adopt = Callable[[dict[str, int]], Awaitable[int]]


async def adopt_baselines(
    pages: AsyncIterator[list[dict[str, Any]]],
    processed_among: ProcessedAmong,
    adopt: Adopt,
    *,
    expired_before: datetime,
) -> tuple[int, int]:
    """(events read, dossier records written or raised)."""
    read = written = 0
    async for page in pages:
        dossier_events = [e for e in page if str(e.get("event_type", "")).startswith("dossier.")]
        read += len(page)
        handled = await processed_among({str(e["event_id"]) for e in dossier_events})
        versions: dict[str, int] = {}
        for event in dossier_events:
            if str(event["event_id"]) in handled or _occurred(event) < expired_before:
                code, version = str(event["aggregate_id"]), int(event["aggregate_version"])
                versions[code] = max(version, versions.get(code, 0))
        if versions:
            written += await adopt(versions)
    return read, written


def _occurred(event: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(str(event["occurred_at"]).replace("Z", "+00:00"))
