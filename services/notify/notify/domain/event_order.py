"""A dossier's events in lifecycle order, whatever order they arrive in (issue 15).

Decree 118/2025/NĐ-CP and Circular 03/2025/TT-VPCP: the citizen is told of each step of the
dossier, so "your result is ready" must never come before "we received your dossier", and a
message must be planned with the facts earlier events carry (a death registration, a home
return). Intake numbers a dossier's events 1, 2, 3… without gaps (`aggregate_version`); with
several relays or partitions one may arrive before its predecessor. Then it is held, and handled
as soon as the gap is filled, in version order; a duplicate (a version already handled or
already held) is dropped.

An event of another aggregate that is about a dossier (a survey opened on its return, a
follow-up answered) follows that dossier: it is handled after the dossier's events of its batch
and, while the dossier has a gap, waits behind the events held there. (A dossier notify knows
nothing of does not hold it: its record may have expired, or predate this rule.)

How long a gap may stay open, and how many events may wait behind it, are the caller's bounds
(settings); past them the waiting events are dead-lettered with the reason `gap_reason` gives.
Pure: no I/O.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from motcua_shared.events import Envelope


@dataclass(frozen=True)
class Held:
    envelope: Envelope[Any]
    held_at: datetime

    @property
    def version(self) -> int | None:
        """The dossier version it holds; None for an event of another aggregate following it."""
        return self.envelope.aggregate_version if is_dossier_event(self.envelope) else None


@dataclass(frozen=True)
class DossierOrder:
    """How far notify has handled a dossier, and what waits for a gap to fill.
    `rev` counts the writes of this record: each write is conditional on the one it read."""

    code: str
    version: int = 0
    held: tuple[Held, ...] = ()
    rev: int = 0

    @property
    def has_gap(self) -> bool:
        return any(h.version is not None for h in self.held)

    @property
    def oldest_held_at(self) -> datetime | None:
        return min((h.held_at for h in self.held), default=None)


class TooManyHeld(ValueError):
    """The dossier already holds as many events as the bound allows behind one gap."""


@dataclass
class Sequenced:
    ready: list[Envelope[Any]] = field(default_factory=list)  # to handle now, in this order
    changed: dict[str, DossierOrder] = field(default_factory=dict)  # new records, by dossier code
    dropped: list[tuple[Envelope[Any], str]] = field(default_factory=list)  # duplicates, and why


def is_dossier_event(envelope: Envelope[Any]) -> bool:
    return getattr(type(envelope.payload), "aggregate", "") == "dossier"


def dossier_of(envelope: Envelope[Any]) -> str | None:
    """The dossier whose order the event keeps or follows (None: it follows none)."""
    if is_dossier_event(envelope):
        return envelope.aggregate_id
    code = getattr(envelope.payload, "dossier_code", None)
    return code if isinstance(code, str) and code else None


def sequence(
    envelopes: list[Envelope[Any]], orders: dict[str, DossierOrder], now: datetime, max_held: int
) -> Sequenced:
    """Sort a batch (in arrival order, already-processed ids removed) against the dossiers'
    records: what is handled now and in which order, what is held, what is dropped."""
    out = Sequenced()
    state = dict(orders)
    # The dossiers' own events first: one that follows a dossier comes after them (a survey in the
    # same batch as its dossier's return waits for the return, and behind any gap before it).
    for envelope in sorted(envelopes, key=lambda e: not is_dossier_event(e)):
        code = dossier_of(envelope)
        if code is None:
            out.ready.append(envelope)
            continue
        order = state.get(code) or DossierOrder(code)
        if not is_dossier_event(envelope):
            if order.has_gap:
                state[code] = out.changed[code] = replace(
                    order, held=(*order.held, Held(envelope, now))
                )
            else:
                out.ready.append(envelope)
            continue
        version = envelope.aggregate_version
        if version <= order.version:
            out.dropped.append(
                (envelope, f"version {version} of {code} is handled (have {order.version})")
            )
            continue
        if any(h.version == version for h in order.held):
            out.dropped.append((envelope, f"version {version} of {code} is already held"))
            continue
        if version > order.version + 1:
            if sum(h.version is not None for h in order.held) >= max_held:
                raise TooManyHeld(
                    gap_reason(order, now) + f"; {max_held} events already wait behind it"
                )
            state[code] = out.changed[code] = replace(
                order, held=(*order.held, Held(envelope, now))
            )
            continue
        out.ready.append(envelope)
        state[code] = out.changed[code] = _release(replace(order, version=version), out.ready)
    return out


def _release(order: DossierOrder, ready: list[Envelope[Any]]) -> DossierOrder:
    """Move the held events the new version makes next to `ready`: versioned ones in version
    order, then, once no gap is left, the events that followed the dossier, in arrival order."""
    held = list(order.held)
    version = order.version
    while (nxt := next((h for h in held if h.version == version + 1), None)) is not None:
        ready.append(nxt.envelope)
        held.remove(nxt)
        version += 1
    if not any(h.version is not None for h in held):
        ready.extend(h.envelope for h in held)
        held = []
    return replace(order, version=version, held=tuple(held))


def gap_reason(order: DossierOrder, now: datetime) -> str:
    """Why the events held for this dossier are given up (the dead-letter reason)."""
    oldest = order.oldest_held_at or now
    waited = int((now - oldest).total_seconds() // 60)
    versions = sorted(h.version for h in order.held if h.version is not None)
    if order.version == 0:
        return (
            f"unknown dossier {order.code}: version(s) {versions} waited {waited} min for "
            f"version 1, which never arrived"
        )
    return (
        f"dossier {order.code}: version(s) {versions} waited {waited} min for version "
        f"{order.version + 1}, which never arrived (have {order.version})"
    )


def expired(order: DossierOrder, before: datetime) -> bool:
    """Its oldest held event has waited past the bound: the gap is given up."""
    oldest = order.oldest_held_at
    return oldest is not None and oldest < before
