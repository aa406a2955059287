"""Use case: a deadline event arrived; tell the officers it names (domain/officer_alerts.py).

Each alert is stored first (`_id` = event id + officer id, so a redelivered event finds it),
then sent, then marked sent. A send that fails raises, so the consumer redelivers the event and
only the alerts not yet sent go again; an alert is sent twice only if notify dies between the
provider's answer and the mark (the provider gets the same `reference`)."""

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from motcua_shared.events import Envelope

from notify.app.ports import Clock
from notify.domain.officer_alerts import DEADLINE_EVENTS, OfficerAlert, plan_officer_alerts

log = logging.getLogger(__name__)


class OfficerAlertStore(Protocol):
    async def add_new(self, alerts: list[OfficerAlert], at: Any) -> None: ...

    async def unsent(self, event_id: str) -> list[OfficerAlert]: ...

    async def mark_sent(self, alert_id: str, provider_id: str, at: Any) -> None: ...


class EmailSender(Protocol):
    async def send(self, alert: OfficerAlert) -> str: ...


class AlertOfficers:
    def __init__(self, store: OfficerAlertStore, email: EmailSender, clock: Clock) -> None:
        self.store, self.email, self.clock = store, email, clock

    async def __call__(self, envelope: Envelope[Any]) -> None:
        event_id = str(envelope.event_id)
        alerts = plan_officer_alerts(envelope.payload, event_id=event_id, dossier_code=envelope.aggregate_id,
                                     unit_code=envelope.unit_code)
        await self.store.add_new(alerts, self.clock.now())
        for alert in alerts:
            if alert.skipped:
                log.info("no %s alert to %s for %s: %s", alert.kind, alert.officer_id, alert.dossier_code,
                         alert.skipped)
        for alert in await self.store.unsent(event_id):
            provider_id = await self.email.send(alert)
            await self.store.mark_sent(alert.id, provider_id, self.clock.now())
            log.info("%s alert for %s e-mailed to officer %s (%s)", alert.kind, alert.dossier_code,
                     alert.officer_id, alert.role)


def with_officer_alerts(accept_batch: Callable[[Sequence[Envelope[Any]]], Awaitable[None]],
                        alert_officers: AlertOfficers) -> Callable[[Sequence[Envelope[Any]]], Awaitable[None]]:
    """One batch handler for notify's queue: the events planned together in one transaction (in
    each dossier's order), then each deadline event's officer alerts (in arrival order: an alert
    needs no earlier event's facts). A failure redelivers the batch (split
    by the consumer): both halves are idempotent, so nothing goes twice."""

    async def handle(envelopes: Sequence[Envelope[Any]]) -> None:
        # Every event goes through accept_batch, deadline ones too: it keeps each dossier's
        # version order, which needs every version (a deadline event plans no citizen message).
        await accept_batch(envelopes)
        for envelope in envelopes:
            if isinstance(envelope.payload, DEADLINE_EVENTS):
                await alert_officers(envelope)

    return handle
