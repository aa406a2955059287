"""The dossier (hồ sơ) aggregate: its state, its history (Phiếu kiểm soát quá trình giải quyết
hồ sơ) and every lifecycle action. Each action is checked by the state machine, recorded
with the acting officer and time, and bumps `version` once per event it causes."""

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

from intake.domain.apology import extended_due_at
from intake.domain.at_risk import at_risk as predicts_late
from intake.domain.calendar import WorkingCalendar, end_of_day, local_date
from intake.domain.catalogue import Procedure, TimeLimit, Unit
from intake.domain.citizen import Citizen
from intake.domain.codes import task_code
from intake.domain.deadlines import (
    RECEIPT_STEP,
    Alarm,
    DeadlineKind,
    DeadlineRule,
    alarms,
    step_due_at,
)
from intake.domain.dossier_parts import (
    ApologyRule,
    ClockPolicy,
    HistoryEntry,
    HomeVisit,
    LinkedTask,
)
from intake.domain.errors import IllegalTransition, NotFound, RuleViolation
from intake.domain.fees import Fee, FeeDue, FeeStatus
from intake.domain.files import Attachment
from intake.domain.lifecycle import CLOCK_RUNNING, INITIAL_STATUS, Action, DeskCheck, next_status

SYSTEM_OFFICER = "system"  # who "acts" when a deadline fires


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

    # ------------------------------------------------------------------ creation

    @classmethod
    def open(
        cls,
        *,
        code: str,
        unit: Unit,
        procedure: Procedure,
        channel: Channel,
        citizen: Citizen,
        home_service: bool,
        correlation_id: str,
        desk_check: DeskCheck,
        officer_id: str,
        at: datetime,
        calendar: WorkingCalendar,
        missing_papers: list[str],
        reason: str | None,
    ) -> "Dossier":
        if home_service:
            _require_address(citizen)
        dossier = cls(
            code=code,
            unit_code=unit.code,
            unit_name=unit.name,
            province_code=unit.province_code,
            procedure_code=procedure.code,
            procedure_name=procedure.name,
            field_code=procedure.field.code,
            time_limit=procedure.time_limit,
            civil_status_event=procedure.civil_status_event,
            channel=channel,
            citizen=citizen,
            home_service=home_service,
            correlation_id=correlation_id,
            status=INITIAL_STATUS[desk_check],
            submitted_at=at,
            current_officer_id=officer_id,
            step_limits=dict(procedure.step_limits),
            tasks=[
                LinkedTask(
                    code=task_code(code, t.agency),
                    agency=t.agency,
                    agency_name=t.agency_name,
                    name=t.name,
                    time_limit=t.time_limit,
                )
                for t in procedure.linked_tasks
            ],
            fee=Fee(amount_vnd=procedure.fee_vnd, due=procedure.fee_due)
            if procedure.fee_due is not None and procedure.fee_vnd > 0
            else None,
        )
        if desk_check is DeskCheck.COMPLETE:
            dossier._start_clock(at, calendar)
            dossier._record("receive", None, officer_id, at, {})
            dossier._enter_step(RECEIPT_STEP, at, calendar)
        elif desk_check is DeskCheck.INCOMPLETE:
            if not missing_papers:
                raise RuleViolation(
                    "missing_papers",
                    "Cần liệt kê giấy tờ còn thiếu",
                    "List the missing papers for an incomplete dossier",
                )
            dossier.missing_papers = list(missing_papers)
            dossier._record(
                "desk-request-papers",
                None,
                officer_id,
                at,
                {
                    "missing_papers": list(missing_papers),
                    "reason": reason or "Hồ sơ chưa đầy đủ, cần bổ sung",
                },
            )
        else:
            if not reason:
                raise RuleViolation(
                    "reason",
                    "Cần nêu lý do từ chối tiếp nhận",
                    "A refusal at the desk needs a reason",
                )
            dossier.refusal_reason = reason
            dossier._record("desk-refuse", None, officer_id, at, {"reason": reason})
        return dossier

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
            self._start_clock(at, calendar)
        else:
            self._move_clock_after_supplement(at, calendar, policy)
        self.missing_papers, self.supplement_requested_at = [], None
        self._apply(
            Action.SUPPLY_PAPERS, target, officer_id, at, {"stage": stage, "policy": policy.value}
        )
        if stage == "desk":
            self._record("receive", self.status, officer_id, at, {})
            self._enter_step(RECEIPT_STEP, at, calendar)
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
        self._enter_step(step, at, calendar)

    # ------------------------------------------------------------------ deadlines

    def _enter_step(self, step: str, at: datetime, calendar: WorkingCalendar | None) -> None:
        limit = self.step_limits.get(step)
        self.step, self.step_version, self.step_started_at = step, self.version, at
        self.step_due_at = (
            step_due_at(calendar, at, limit) if limit is not None and calendar else None
        )

    def assess_risk(self, samples: list[int], calendar: WorkingCalendar) -> bool:
        """Mark (or clear) `at_risk` from the samples of the current step (domain/at_risk.py)."""
        self.at_risk = (
            self.status in CLOCK_RUNNING
            and self.step_started_at is not None
            and predicts_late(samples, self.step_started_at, self.due_at, calendar)
        )
        return self.at_risk

    def pending_alarms(self, calendar: WorkingCalendar, rule: DeadlineRule) -> list[Alarm]:
        if self.status not in CLOCK_RUNNING:
            return []
        return alarms(
            due_at=self.due_at,
            received_at=self.received_at,
            step_due=self.step_due_at,
            step_key=f"{DeadlineKind.STEP_OVERDUE.value}:{self.step_version}",
            fired=set(self.alarms_fired),
            calendar=calendar,
            rule=rule,
        )

    def plan_deadlines(self, calendar: WorkingCalendar, rule: DeadlineRule) -> None:
        """Keep `next_deadline_at` = the earliest alarm still to fire (None: nothing can)."""
        pending = self.pending_alarms(calendar, rule)
        self.next_deadline_at = pending[0].at if pending else None

    def fire_deadlines(
        self,
        now: datetime,
        calendar: WorkingCalendar,
        rule: DeadlineRule,
        officers: Callable[[DeadlineKind], list[OfficerContact]],
    ) -> list[Alarm]:
        """Fire every alarm due by `now`, each once (a history entry → one event), and plan the
        next. A due-soon warning missed until the due date passed is dropped, not sent late."""
        fired: list[Alarm] = []
        for alarm in self.pending_alarms(calendar, rule):
            if alarm.at > now:
                break
            self.alarms_fired.append(alarm.key)
            if (
                alarm.kind is DeadlineKind.DUE_SOON
                and self.due_at is not None
                and now > self.due_at
            ):
                continue
            details: dict[str, Any] = {
                "officers": [o.model_dump() for o in officers(alarm.kind)],
                "holder_id": self.current_officer_id,
            }
            if alarm.kind is DeadlineKind.DUE_SOON:
                assert self.due_at is not None
                details |= {
                    "working_days_left": calendar.working_days_between(
                        local_date(now), local_date(self.due_at)
                    ),
                    "at_risk": self.at_risk,
                }
            elif alarm.kind is DeadlineKind.STEP_OVERDUE:
                details |= {"step": self.step, "step_due_at": self.step_due_at}
            self._record(alarm.kind.value, self.status, SYSTEM_OFFICER, now, details)
            fired.append(alarm)
        self.plan_deadlines(calendar, rule)
        return fired

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
        target = next_status(Action.RESOLVE_TASK, self.status)
        task = self.task(agency)
        if task.status == "resolved":
            raise IllegalTransition(
                Action.RESOLVE_TASK.value,
                self.status,
                f"Cơ quan {agency} đã giải quyết phần việc của mình",
                f"The {agency} task is already resolved",
            )
        _require_reason(outcome, reason)
        task.status, task.outcome, task.reason = "resolved", outcome, reason
        task.resolved_at, task.officer_id = at, officer_id
        self._apply(
            Action.RESOLVE_TASK,
            target,
            officer_id,
            at,
            {"agency": agency, "outcome": outcome.value, "reason": reason},
        )
        if any(t.status == "pending" for t in self.tasks):
            return False
        refused = [t for t in self.tasks if t.outcome is ResolutionOutcome.REFUSED]
        overall = ResolutionOutcome.REFUSED if refused else ResolutionOutcome.APPROVED
        self._resolve(
            officer_id,
            at,
            overall,
            "; ".join(f"{t.agency_name}: {t.reason}" for t in refused) or None,
        )
        return True

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
        self._require_fee_settled(Action.RETURN, FeeDue.AT_RETURN)
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
        _require_address(self.citizen)
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
        target = next_status(Action.REQUEST_FEE, self.status)
        fee = self._open_fee(Action.REQUEST_FEE)
        fee.status, fee.payment_ref, fee.payment_url = FeeStatus.REQUESTED, payment_ref, payment_url
        self._apply(
            Action.REQUEST_FEE, target, officer_id, at, {"payment_ref": payment_ref, "link": link}
        )

    def pay_fee(
        self,
        officer_id: str,
        at: datetime,
        method: Literal["cash", "online"],
        receipt_no: str | None = None,
        gateway_transaction: str | None = None,
    ) -> None:
        target = next_status(Action.PAY_FEE, self.status)
        fee = self._open_fee(Action.PAY_FEE)
        fee.status, fee.method, fee.paid_at = FeeStatus.PAID, method, at
        fee.receipt_no, fee.gateway_transaction = receipt_no, gateway_transaction
        self._apply(Action.PAY_FEE, target, officer_id, at, {"method": method})

    def waive_fee(self, officer_id: str, at: datetime, reason: str) -> None:
        target = next_status(Action.WAIVE_FEE, self.status)
        fee = self._open_fee(Action.WAIVE_FEE)
        fee.status, fee.waiver_reason = FeeStatus.WAIVED, reason
        self._apply(Action.WAIVE_FEE, target, officer_id, at, {"reason": reason})

    def _open_fee(self, action: Action) -> Fee:
        if self.fee is None:
            raise IllegalTransition(
                action.value,
                self.status,
                "Thủ tục này không thu phí, lệ phí qua hệ thống",
                "No fee is collected through motcua for this procedure",
            )
        if self.fee.settled:
            raise IllegalTransition(
                action.value,
                self.status,
                "Phí, lệ phí của hồ sơ đã được thanh toán hoặc miễn",
                "The fee is already paid or waived",
            )
        return self.fee

    def _require_fee_settled(self, action: Action, due: FeeDue) -> None:
        if self.fee is not None and self.fee.due is due and not self.fee.settled:
            raise IllegalTransition(
                action.value,
                self.status,
                "Hồ sơ chưa nộp phí, lệ phí (hoặc chưa được miễn)",
                "The fee is neither paid nor waived",
            )

    # ------------------------------------------------------------------ helpers

    def task(self, agency: str) -> LinkedTask:
        for task in self.tasks:
            if task.agency == agency:
                return task
        raise NotFound("task", agency)

    def _resolve(
        self, officer_id: str, at: datetime, outcome: ResolutionOutcome, reason: str | None
    ) -> None:
        target = next_status(Action.RESOLVE, self.status)
        self._require_fee_settled(Action.RESOLVE, FeeDue.AT_RECEIPT)
        _require_reason(outcome, reason)
        self.outcome, self.outcome_reason, self.resolved_at = outcome, reason, at
        self._apply(
            Action.RESOLVE, target, officer_id, at, {"outcome": outcome.value, "reason": reason}
        )

    def _start_clock(self, at: datetime, calendar: WorkingCalendar) -> None:
        self.received_at = at
        self.due_at = calendar.due_at(at, self.time_limit)
        for task in self.tasks:
            task.due_at = calendar.due_at(at, task.time_limit)

    def _move_clock_after_supplement(
        self, at: datetime, calendar: WorkingCalendar, policy: ClockPolicy
    ) -> None:
        if policy is ClockPolicy.RESTART:
            self.due_at = calendar.due_at(at, self.time_limit)
            for task in self.tasks:
                if task.status == "pending":
                    task.due_at = calendar.due_at(at, task.time_limit)
            return
        assert self.supplement_requested_at is not None and self.due_at is not None
        waited = calendar.working_days_between(
            local_date(self.supplement_requested_at), local_date(at)
        )
        self.due_at = end_of_day(calendar.add_working_days(local_date(self.due_at), waited))
        for task in self.tasks:
            if task.status == "pending" and task.due_at is not None:
                task.due_at = end_of_day(calendar.add_working_days(local_date(task.due_at), waited))

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


def _require_address(citizen: Citizen) -> None:
    if not citizen.address:
        raise RuleViolation(
            "citizen.address",
            "Phục vụ tại nhà cần địa chỉ của công dân",
            "Home service needs the citizen's address",
        )


def _require_reason(outcome: ResolutionOutcome, reason: str | None) -> None:
    if outcome is ResolutionOutcome.REFUSED and not reason:
        raise RuleViolation(
            "reason", "Từ chối giải quyết phải nêu lý do", "A refusal needs a reason"
        )
