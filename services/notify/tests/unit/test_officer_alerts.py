"""Deadline alerts to officers: who is told, what they read, never twice."""

from datetime import UTC, datetime, timedelta

import pytest

from motcua_shared.contract.dossier_events import (
    DossierDueSoon,
    DossierOverdue,
    DossierStepOverdue,
    OfficerContact,
)
from motcua_shared.contract.envelope import Envelope
from motcua_shared.testing.clock import SettableClock

from notify.app.officer_alerts import AlertOfficers
from notify.domain.officer_alerts import OfficerAlert, plan_officer_alerts

DUE = datetime(2026, 3, 17, 16, 59, 59, tzinfo=UTC)  # 23:59:59 on 17/03 in Hà Nội
BASE = {
    "unit_name": "UBND phường Tân Định",
    "province_code": "79",
    "procedure_code": "1.001699",
    "procedure_name": "Đổi, cấp lại Giấy xác nhận khuyết tật",
    "field_code": "ldtbxh",
    "channel": "direct",
    "status": "in_progress",
    "officer_id": "system",
    "due_at": DUE,
}
HOLDER = OfficerContact(officer_id="cm-01", role="holder", email="cm01@tandinh.gov.vn")
LEADER = OfficerContact(officer_id="ld-01", role="leader", email="ld01@tandinh.gov.vn")
NO_MAIL = OfficerContact(officer_id="ld-02", role="leader", phone="+84912000111")


def _wrap(payload) -> Envelope:  # type: ignore[no-untyped-def]
    return Envelope.wrap(
        payload,
        aggregate_id="26734-260310-0001",
        aggregate_version=5,
        unit_code="26734",
        correlation_id="c",
        occurred_at=DUE - timedelta(days=4),
    )


def test_due_soon_tells_the_holder_what_to_do_before_it_is_too_late() -> None:
    payload = DossierDueSoon(
        **BASE, working_days_left=2, holder_id="cm-01", officers=[HOLDER], at_risk=True
    )
    [alert] = plan_officer_alerts(
        payload, event_id="e1", dossier_code="26734-260310-0001", unit_code="26734"
    )
    assert (alert.id, alert.kind, alert.officer_id, alert.email, alert.skipped) == (
        "e1:cm-01",
        "due_soon",
        "cm-01",
        "cm01@tandinh.gov.vn",
        None,
    )
    assert alert.subject.startswith("[Sắp đến hạn] Hồ sơ 26734-260310-0001")
    assert "17/03/2026" in alert.text and "còn 2 ngày làm việc" in alert.text
    assert "Mẫu 04" in alert.text and "nguy cơ trễ hạn" in alert.text


def test_overdue_tells_the_holder_and_the_leaders_and_skips_who_has_no_email() -> None:
    payload = DossierOverdue(**BASE, holder_id="cm-01", officers=[HOLDER, LEADER, NO_MAIL])
    alerts = plan_officer_alerts(payload, event_id="e2", dossier_code="X-1", unit_code="26734")
    assert [(a.officer_id, a.role, a.skipped is None) for a in alerts] == [
        ("cm-01", "holder", True),
        ("ld-01", "leader", True),
        ("ld-02", "leader", False),
    ]
    assert alerts[1].text.startswith("Đồng chí là lãnh đạo đơn vị.") and "cm-01" in alerts[1].text
    assert "Đồng chí" not in alerts[0].text and alerts[2].skipped.startswith("no_email")


def test_step_overdue_names_the_step_in_vietnamese() -> None:
    payload = DossierStepOverdue(
        **BASE,
        step="lanh-dao-ky",
        step_due_at=DUE - timedelta(days=2),
        holder_id="ld-01",
        officers=[LEADER],
    )
    [alert] = plan_officer_alerts(payload, event_id="e3", dossier_code="X-1", unit_code="26734")
    assert alert.subject.startswith("[Trễ bước lãnh đạo ký duyệt]") and "15/03/2026" in alert.text


def test_other_events_tell_no_officer() -> None:
    from motcua_shared.contract.dossier_events import DossierWithdrawn

    payload = DossierWithdrawn(**BASE, withdrawn_at=DUE)
    assert plan_officer_alerts(payload, event_id="e", dossier_code="X", unit_code="1") == []


class Store:
    def __init__(self) -> None:
        self.alerts: dict[str, dict] = {}

    async def add_new(self, alerts: list[OfficerAlert], at) -> None:  # type: ignore[no-untyped-def]
        for a in alerts:
            self.alerts.setdefault(
                a.id, {"alert": a, "status": "skipped" if a.skipped else "queued"}
            )

    async def unsent(self, event_id: str) -> list[OfficerAlert]:
        return [
            v["alert"]
            for v in self.alerts.values()
            if v["alert"].event_id == event_id and v["status"] == "queued"
        ]

    async def mark_sent(self, alert_id: str, provider_id: str, at) -> None:  # type: ignore[no-untyped-def]
        self.alerts[alert_id]["status"] = "sent"


class Mailer:
    def __init__(self, fail_for: set[str] | None = None) -> None:
        self.sent: list[str] = []
        self.fail_for = fail_for or set()

    async def send(self, alert: OfficerAlert) -> str:
        if alert.officer_id in self.fail_for:
            raise RuntimeError("provider down")
        self.sent.append(alert.officer_id)
        return f"id-{len(self.sent)}"


async def test_a_redelivered_event_sends_nothing_twice_and_a_failed_send_is_retried_alone() -> None:
    store, mailer = Store(), Mailer(fail_for={"ld-01"})
    use_case = AlertOfficers(store, mailer, SettableClock(DUE))
    envelope = _wrap(DossierOverdue(**BASE, holder_id="cm-01", officers=[HOLDER, LEADER, NO_MAIL]))
    with pytest.raises(RuntimeError):
        await use_case(envelope)
    assert mailer.sent == ["cm-01"]
    mailer.fail_for.clear()
    await use_case(envelope)  # the broker redelivers
    await use_case(envelope)
    assert mailer.sent == ["cm-01", "ld-01"]
    assert sorted(v["status"] for v in store.alerts.values()) == ["sent", "sent", "skipped"]
