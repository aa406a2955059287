"""What test_journeys.py's last test reads back from the whole run: every survey event (survey's
event log, paged), and a snapshot of the one-stop and satisfaction figures of every unit and
province the journeys touched (LEDGER), taken before and after a rebuild from the event logs."""

import httpx

from .journey_kit import LEDGER, PROVINCE, Reports, today


def survey_events(system) -> list[dict]:
    events, after = [], None
    while True:
        page = httpx.get(
            f"{system.urls['survey']}/api/v1/events",
            params={"after": after} if after else {},
            headers=system.token("reporting", "79", "system"),
            timeout=10,
        ).json()
        if not page["events"]:
            return events
        events += page["events"]
        after = page["next"]


def figures_snapshot(system, keys: dict[str, str]) -> dict:
    snapshot = {}
    for unit, start in ((u, LEDGER.start[u]) for u in LEDGER.counts):
        reports = Reports(system, unit)
        snapshot[unit] = (
            reports.rows("one-stop", {"unit": unit}, start, today()),
            reports.rows("satisfaction", {"unit": unit}, start, today()),
        )
    for province, key in keys.items():
        start = min(LEDGER.start[u] for u in LEDGER.counts if PROVINCE[u] == province)
        reports = Reports(system, api_key=key)
        snapshot[province] = (
            reports.rows("one-stop", {"province": province}, start, today(), "unit"),
            reports.rows("satisfaction", {"province": province}, start, today(), "unit"),
        )
    return snapshot
