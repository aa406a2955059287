"""The load of a fault run: desk officers receive the planned dossiers over intake's HTTP API
and take each through its journey; a few kiosk officers key the citizens' survey answers.

Faults are the schedule's business; the driver only survives them (`resilient`), counts what it
had to repeat, and records every dossier's code and final state for the end checks.
"""

import asyncio
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from faultrun.journeys import Plan
from faultrun.resilient import IntakeDesk, Unexpected, answer_at_kiosk

Headers = Callable[[str, str], dict[str, str]]  # (unit, role) → Authorization header

# Journey step → (intake action, body, role).
STEPS: dict[str, tuple[str, dict[str, Any] | None, str]] = {
    "hand-over": ("hand-over", {"to_officer_id": "cv01", "step": "chuyen-mon"}, "desk"),
    "request-supplement": (
        "request-supplement",
        {"missing_papers": ["Bản sao sổ hộ khẩu"], "reason": "Thiếu giấy tờ chứng minh nơi cư trú"},
        "specialist",
    ),
    "supply-papers": ("supply-papers", None, "desk"),
    "resolve": ("resolve", {"outcome": "approved"}, "specialist"),
    "resolve-refused": (
        "resolve",
        {"outcome": "refused", "reason": "Không đủ điều kiện theo quy định"},
        "specialist",
    ),
    "home-visit-return": ("home-visit", {"urgent": False, "purpose": "return"}, "desk"),
    "return": ("return", {"method": "at_desk"}, "desk"),
    "return-home": ("return", {"method": "at_home"}, "desk"),
    "withdraw": ("withdraw", {"reason": "Công dân xin rút hồ sơ"}, "desk"),
}


def receipt_body(plan: Plan) -> dict[str, Any]:
    body: dict[str, Any] = {
        "procedure_code": plan.procedure,
        "channel": plan.channel,
        "desk_check": plan.desk_check,
        "citizen": plan.citizen(),
        "home_service": plan.journey == "returned_at_home",
    }
    if plan.desk_check == "incomplete":
        body["missing_papers"] = ["Tờ khai có chữ ký của người yêu cầu"]
    if plan.desk_check == "ineligible":
        body["reason"] = "Thủ tục không thuộc thẩm quyền của Ủy ban nhân dân cấp xã"
    return body


@dataclass
class Outcome:
    code: str | None = None
    status: str | None = None
    answered: bool = False


@dataclass
class Driver:
    intake: httpx.AsyncClient
    survey: httpx.AsyncClient
    headers: Headers
    system_headers: dict[str, str]
    plans: list[Plan]
    concurrency: int = 12
    kiosks: int = 3
    tally: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    outcomes: dict[int, Outcome] = field(default_factory=dict)
    started: int = 0  # journeys begun
    received: int = 0  # dossiers intake has received
    receipts_failed: int = 0

    def __post_init__(self) -> None:
        self.desk = IntakeDesk(self.intake, self.system_headers, self.tally)
        self.waiting: asyncio.Queue[Plan] = asyncio.Queue()
        for plan in self.plans:
            self.waiting.put_nowait(plan)
        self.answers: asyncio.Queue[tuple[Plan, str] | None] = asyncio.Queue()
        self.extra: list[asyncio.Task[None]] = []
        # The fault schedule holds the desks back at the next fault's mark until that fault has
        # begun, so a short run cannot finish before its faults (`allow`).
        self.limit = len(self.plans)
        self.limit_raised = asyncio.Event()

    @property
    def receipts_done(self) -> int:
        return self.received + self.receipts_failed

    def allow(self, journeys: int) -> None:
        """Let the desks begin journeys until `journeys` have begun."""
        self.limit = journeys
        self.limit_raised.set()

    async def run(self) -> None:
        kiosks = [asyncio.create_task(self._kiosk()) for _ in range(self.kiosks)]
        await asyncio.gather(*(self._desk() for _ in range(self.concurrency)))
        await asyncio.gather(*self.extra)
        for _ in kiosks:
            self.answers.put_nowait(None)
        await asyncio.gather(*kiosks)

    def burst(self, size: int) -> int:
        """Start up to `size` more journeys at once (a rush at the desk); returns how many."""
        count = 0
        while count < size and not self.waiting.empty():
            self.extra.append(asyncio.create_task(self._journey(self.waiting.get_nowait())))
            count += 1
        return count

    async def _desk(self) -> None:
        while not self.waiting.empty():
            while self.started >= self.limit:
                self.limit_raised.clear()
                await self.limit_raised.wait()
            if self.waiting.empty():
                return
            await self._journey(self.waiting.get_nowait())

    async def _journey(self, plan: Plan) -> None:
        outcome = self.outcomes.setdefault(plan.index, Outcome())
        self.started += 1
        try:
            dossier = await self.desk.receive(
                receipt_body(plan),
                self.headers(plan.unit, "desk"),
                correlation_id=f"faults-{plan.index}-{uuid.uuid4().hex[:8]}",
            )
            outcome.code = dossier["code"]
            self.received += 1
            for step in plan.after_receipt:
                action, body, role = STEPS[step]
                dossier = await self.desk.act(
                    dossier["code"], action, body, self.headers(plan.unit, role), dossier["version"]
                )
            outcome.status = dossier["status"]
            if plan.answer:
                self.answers.put_nowait((plan, dossier["code"]))
        except (Unexpected, TimeoutError) as exc:
            self.errors.append(f"dossier #{plan.index} ({plan.journey}): {exc}")
            self.receipts_failed += outcome.code is None

    async def _kiosk(self) -> None:
        while (item := await self.answers.get()) is not None:
            plan, code = item
            try:
                await answer_at_kiosk(
                    self.survey,
                    code,
                    plan.answer or "",
                    self.headers(plan.unit, "desk"),
                    self.tally,
                )
                self.outcomes[plan.index].answered = True
            except (Unexpected, TimeoutError) as exc:
                self.errors.append(f"kiosk answer for {code}: {exc}")
