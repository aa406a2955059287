"""The dossier (hồ sơ) aggregate: its state, its history (Phiếu kiểm soát quá trình giải quyết
hồ sơ) and every lifecycle action. Each action is checked by the state machine, recorded
with the acting officer and time, and bumps `version` once per event it causes.

Opening at the desk is in dossier_opening.py; the clock moves in dossier_clock.py; alarms and
the at-risk mark in dossier_deadlines.py; the fee in dossier_fees.py; linked tasks in
linked_tasks.py. The methods here that hand over to them keep one way in for the app layer."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from motcua_shared.contract.dossier_events import (
    Channel,
    CivilStatusEvent,
    DossierStatus,
    OfficerContact,
    ResolutionOutcome,
    ReturnMethod,
)

from intake.domain import dossier_deadlines, dossier_fees, linked_tasks
from intake.domain.apology import extended_due_at
from intake.domain.calendar import WorkingCalendar
from intake.domain.catalogue import TimeLimit
from intake.domain.citizen import Citizen, require_address
from intake.domain.deadlines import RECEIPT_STEP, Alarm, DeadlineKind, DeadlineRule
from intake.domain.dossier_clock import enter_step, move_clock_after_supplement, start_clock
from intake.domain.dossier_parts import (
    ApologyRule,
    ClockPolicy,
    HistoryEntry,
    HomeVisit,
    LinkedTask,
)
from intake.domain.errors import IllegalTransition, NotFound, RuleViolation
from intake.domain.fees import Fee, FeeDue
from intake.domain.files import Attachment
from intake.domain.lifecycle import Action, next_status, require_reason


class Dossier(BaseModel):
    code: str
    unit_code: str
    unit_name: str
    province_code: str
    procedure_code: str
    procedure_name: str
    field_code: str
    time_limit: TimeLimit  # snapshot: a later catalogue change does not move this dossier
    civil_status_event: CivilStatusEvent | None = None
    channel: Channel
    citizen: Citizen
    home_service: bool = False
    correlation_id: str
    status: DossierStatus
    version: int = 0
    submitted_at: datetime
    received_at: datetime | None = None
    due_at: datetime | None = None
    missing_papers: list[str] = Field(default_factory=list)
    refusal_reason: str | None = None
    supplement_requested_at: datetime | None = None
    outcome: ResolutionOutcome | None = None
    outcome_reason: str | None = None
    resolved_at: datetime | None = None
    returned_at: datetime | None = None
    return_method: ReturnMethod | None = None
    withdrawn_at: datetime | None = None
    current_officer_id: str | None = None
    # Deadlines (domain/deadlines.py): the step being worked on, its own due time, the alarms
    # already fired, and the earliest one still to fire (indexed; None when none can fire).
    step_limits: dict[str, int] = Field(default_factory=dict)  # snapshot of the procedure's
    step: str | None = None
    step_version: int | None = None
    step_due_at: datetime | None = None
    step_started_at: datetime | None = None
    at_risk: bool = False  # domain/at_risk.py: the procedure's history says it will likely be late
    alarms_fired: list[str] = Field(default_factory=list)
    next_deadline_at: datetime | None = None
    tasks: list[LinkedTask] = Field(default_factory=list)
    home_visits: list[HomeVisit] = Field(default_factory=list)
    attachments: list[Attachment] = Field(default_factory=list)
    fee: Fee | None = None
    history: list[HistoryEntry] = Field(default_factory=list)

    # ------------------------------------------------------------------ lifecycle actions

    def supply_papers(
        self, officer_id: str, at: datetime, calendar: WorkingCalendar, policy: ClockPolicy
    ) -> Literal["desk", "processing"]:
        """The citizen brings the missing papers. At the desk this is the receipt itself, so a
        second entry ('receive') follows, as for a dossier complete at once."""
        target = next_status(Action.SUPPLY_PAPERS, self.status)
        stage: Literal["desk", "processing"] = (
            "desk" if self.status is DossierStatus.AWAITING_PAPERS else "processing"
        )
        if stage == "desk":
            start_clock(self, at, calendar)
        else:
            move_clock_after_supplement(self, at, calendar, policy)
        self.missing_papers, self.supplement_requested_at = [], None
        self._apply(
            Action.SUPPLY_PAPERS, target, officer_id, at, {"stage": stage, "policy": policy.value}
        )
        if stage == "desk":
            self._record("receive", self.status, officer_id, at, {})
            enter_step(self, RECEIPT_STEP, at, calendar)
        return stage

    def hand_over(
        self,
        officer_id: str,
        at: datetime,
        to_officer_id: str,
        step: str,
        note: str | None,
        calendar: WorkingCalendar | None = None,
    ) -> None:
        target = next_status(Action.HAND_OVER, self.status)
        on_time = self.due_at is None or at <= self.due_at
        step_on_time = self.step_due_at is None or at <= self.step_due_at
        self.current_officer_id = to_officer_id
        self._apply(
            Action.HAND_OVER,
            target,
            officer_id,
            at,
            {
                "from_officer_id": officer_id,
                "to_officer_id": to_officer_id,
                "step": step,
                "note": note,
                "on_time": on_time,
                "previous_step": self.step,
                "step_on_time": step_on_time,
            },
        )
        enter_step(self, step, at, calendar)

    # ------------------------------------------------------------------ deadlines

    def assess_risk(self, samples: list[int], calendar: WorkingCalendar) -> bool:
        """Mark (or clear) `at_risk` from the samples of the current step (domain/at_risk.py)."""
        return dossier_deadlines.assess_risk(self, samples, calendar)

    def pending_alarms(self, calendar: WorkingCalendar, rule: DeadlineRule) -> list[Alarm]:
        return dossier_deadlines.pending_alarms(self, calendar, rule)

    def plan_deadlines(self, calendar: WorkingCalendar, rule: DeadlineRule) -> None:
        """Keep `next_deadline_at` = the earliest alarm still to fire (None: nothing can)."""
        dossier_deadlines.plan_deadlines(self, calendar, rule)

    def fire_deadlines(
        self,
        now: datetime,
        calendar: WorkingCalendar,
        rule: DeadlineRule,
        officers: Callable[[DeadlineKind], list[OfficerContact]],
    ) -> list[Alarm]:
        """Fire every alarm due by `now`, each once (a history entry → one event), and plan the
        next. A due-soon warning missed until the due date passed is dropped, not sent late."""
        return dossier_deadlines.fire_deadlines(self, now, calendar, rule, officers)

    # ------------------------------------------------------------------ processing

    def request_supplement(
        self, officer_id: str, at: datetime, missing_papers: list[str], reason: str
    ) -> None:
        target = next_status(Action.REQUEST_SUPPLEMENT, self.status)
        if not missing_papers:
            raise RuleViolation(
                "missing_papers", "Cần liệt kê giấy tờ cần bổ sung", "List the papers to supplement"
            )
        self.missing_papers, self.supplement_requested_at = list(missing_papers), at
        self._apply(
            Action.REQUEST_SUPPLEMENT,
            target,
            officer_id,
            at,
            {"missing_papers": list(missing_papers), "reason": reason},
        )

    def resolve(
        self, officer_id: str, at: datetime, outcome: ResolutionOutcome, reason: str | None
    ) -> None:
        if self.tasks:
            next_status(Action.RESOLVE, self.status)
            raise IllegalTransition(
                Action.RESOLVE.value,
                self.status,
                "Hồ sơ liên thông được giải quyết qua từng cơ quan",
                "A linked dossier is resolved through its agencies' tasks",
            )
        self._resolve(officer_id, at, outcome, reason)

    def resolve_task(
        self,
        officer_id: str,
        at: datetime,
        agency: str,
        outcome: ResolutionOutcome,
        reason: str | None,
    ) -> bool:
        """One agency resolves its task; the last one resolves the parent. True if it did."""
        return linked_tasks.resolve_task(self, officer_id, at, agency, outcome, reason)

    def apologise(
        self,
        officer_id: str,
        at: datetime,
        new_due_date: date,
        reason: str,
        calendar: WorkingCalendar,
        rule: ApologyRule = ApologyRule(),
    ) -> None:
        """Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (form 04, Appendix I of
        Circular 03/2025/TT-VPCP): at least `rule.lead_working_days` working day(s) before the
        due date (so never on the last day), for a later working day, at most
        `rule.max_extensions` time(s) per dossier (domain/apology.py). Late is still judged by
        the first date."""
        target = next_status(Action.APOLOGISE, self.status)
        assert self.due_at is not None  # every state that allows an apology has a due date
        new_due_at = extended_due_at(
            self.status, self.due_at, self.apologies, at, new_due_date, calendar, rule
        )
        previous, self.due_at = self.due_at, new_due_at
        self._apply(
            Action.APOLOGISE,
            target,
            officer_id,
            at,
            {"previous_due_at": previous, "new_due_at": new_due_at, "reason": reason},
        )

    @property
    def apologies(self) -> int:
        return sum(1 for entry in self.history if entry.action == Action.APOLOGISE.value)

    def return_result(self, officer_id: str, at: datetime, method: ReturnMethod) -> None:
        target = next_status(Action.RETURN, self.status)
        dossier_fees.require_fee_settled(self, Action.RETURN, FeeDue.AT_RETURN)
        self.returned_at, self.return_method = at, method
        self._apply(Action.RETURN, target, officer_id, at, {"method": method.value})

    def withdraw(self, officer_id: str, at: datetime, reason: str | None) -> None:
        target = next_status(Action.WITHDRAW, self.status)
        self.withdrawn_at = at
        self._apply(Action.WITHDRAW, target, officer_id, at, {"reason": reason})

    def schedule_home_visit(
        self,
        officer_id: str,
        at: datetime,
        visit: date,
        urgent: bool,
        purpose: Literal["receive", "return"],
    ) -> HomeVisit:
        target = next_status(Action.SCHEDULE_HOME_VISIT, self.status)
        if (purpose == "return") != (self.status is DossierStatus.RESOLVED):
            raise IllegalTransition(
                Action.SCHEDULE_HOME_VISIT.value,
                self.status,
                "Hồ sơ đã có kết quả chỉ hẹn trả tại nhà; chưa có kết quả chỉ hẹn nhận tại nhà",
                "A resolved dossier takes only a visit to return the result; "
                "an unresolved one only a visit to receive papers",
            )
        require_address(self.citizen)
        home_visit = HomeVisit(
            visit_date=visit, urgent=urgent, purpose=purpose, scheduled_at=at, officer_id=officer_id
        )
        self.home_visits.append(home_visit)
        self.home_service = True
        self._apply(
            Action.SCHEDULE_HOME_VISIT,
            target,
            officer_id,
            at,
            {"visit_date": visit, "urgent": urgent, "purpose": purpose},
        )
        return home_visit

    # ------------------------------------------------------------------ digitised files and the fee

    def attach(self, attachment: Attachment) -> None:
        action = Action.ATTACH_PAPER if attachment.role == "paper" else Action.ATTACH_RESULT
        target = next_status(action, self.status)
        if any(a.file_id == attachment.file_id for a in self.attachments):
            raise RuleViolation(
                "file_id", "Tệp này đã được đính kèm hồ sơ", "This file is already attached"
            )
        self.attachments.append(attachment)
        self._apply(
            action,
            target,
            attachment.officer_id,
            attachment.attached_at,
            {"file_id": attachment.file_id, "paper": attachment.paper},
        )

    def attachment(self, file_id: str) -> Attachment:
        for attachment in self.attachments:
            if attachment.file_id == file_id:
                return attachment
        raise NotFound("file", file_id)

    def request_fee(
        self, officer_id: str, at: datetime, payment_ref: str, payment_url: str, link: str
    ) -> None:
        """`payment_url`: the gateway's signed URL; `link`: the short one sent to the citizen."""
        dossier_fees.request_fee(self, officer_id, at, payment_ref, payment_url, link)

    def pay_fee(
        self,
        officer_id: str,
        at: datetime,
        method: Literal["cash", "online"],
        receipt_no: str | None = None,
        gateway_transaction: str | None = None,
    ) -> None:
        dossier_fees.pay_fee(self, officer_id, at, method, receipt_no, gateway_transaction)

    def waive_fee(self, officer_id: str, at: datetime, reason: str) -> None:
        dossier_fees.waive_fee(self, officer_id, at, reason)

    # ------------------------------------------------------------------ helpers

    def task(self, agency: str) -> LinkedTask:
        return linked_tasks.find_task(self.tasks, agency)

    def _resolve(
        self, officer_id: str, at: datetime, outcome: ResolutionOutcome, reason: str | None
    ) -> None:
        target = next_status(Action.RESOLVE, self.status)
        dossier_fees.require_fee_settled(self, Action.RESOLVE, FeeDue.AT_RECEIPT)
        require_reason(outcome, reason)
        self.outcome, self.outcome_reason, self.resolved_at = outcome, reason, at
        self._apply(
            Action.RESOLVE, target, officer_id, at, {"outcome": outcome.value, "reason": reason}
        )

    def _apply(
        self,
        action: Action,
        target: DossierStatus,
        officer_id: str,
        at: datetime,
        details: dict[str, Any],
    ) -> None:
        previous, self.status = self.status, target
        self._record(action.value, previous, officer_id, at, details)

    def _record(
        self,
        action: str,
        previous: DossierStatus | None,
        officer_id: str,
        at: datetime,
        details: dict[str, Any],
    ) -> None:
        self.version += 1
        self.history.append(
            HistoryEntry(
                version=self.version,
                action=action,
                from_status=previous,
                status=self.status,
                officer_id=officer_id,
                at=at,
                details=details,
            )
        )
