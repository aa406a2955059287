"""A unit's working calendar (national holidays + its own and its province's overrides), and
the due-date quote the desk shows before receiving."""

from dataclasses import dataclass
from datetime import date, datetime

from motcua_shared.vietnam.timeutil import FIRST_DAY, LAST_DAY

from intake.app.context import Actor, IntakeApp
from intake.domain.calendar import CalendarOverrides, WorkingCalendar
from intake.domain.catalogue import Procedure, Unit
from intake.domain.errors import RuleViolation, WrongUnit


async def unit_chain(app: IntakeApp, unit_code: str) -> list[Unit]:
    """The unit and its ancestors, province first."""
    chain: list[Unit] = []
    code: str | None = unit_code
    while code is not None and len(chain) < 5:
        unit = await app.catalogue.unit(code)
        if unit is None:
            break
        chain.insert(0, unit)
        code = unit.parent_code
    return chain


async def calendar_for(app: IntakeApp, unit_code: str) -> WorkingCalendar:
    layers = [await app.catalogue.overrides(unit.code) for unit in await unit_chain(app, unit_code)]
    return WorkingCalendar(CalendarOverrides.layered(layers))


async def known_unit(app: IntakeApp, code: str, field: str = "unit") -> Unit:
    unit = await app.catalogue.unit(code)
    if unit is None:
        raise RuleViolation(field, "Đơn vị không tồn tại", "Unknown unit")
    return unit


async def known_procedure(app: IntakeApp, code: str, field: str = "procedure") -> Procedure:
    procedure = await app.catalogue.procedure(code)
    if procedure is None:
        raise RuleViolation(field, "Thủ tục hành chính không tồn tại", "Unknown procedure")
    return procedure


@dataclass(frozen=True)
class DueDateQuote:
    unit: Unit
    procedure: Procedure
    received_at: datetime
    due_date: date
    due_at: datetime


async def quote_due_date(
    app: IntakeApp, unit_code: str, procedure_code: str, received_at: datetime
) -> DueDateQuote:
    if (
        not FIRST_DAY <= received_at.date() <= LAST_DAY
    ):  # its own offset's date: converting may overflow
        raise RuleViolation(
            "received_at",
            f"Ngày giờ phải từ {FIRST_DAY:%d/%m/%Y} đến {LAST_DAY:%d/%m/%Y}",
            f"received_at must be between {FIRST_DAY} and {LAST_DAY}",
        )
    unit = await known_unit(app, unit_code)
    procedure = await known_procedure(app, procedure_code)
    calendar = await calendar_for(app, unit.code)
    due = calendar.due_date(received_at, procedure.time_limit)
    return DueDateQuote(
        unit, procedure, received_at, due, calendar.due_at(received_at, procedure.time_limit)
    )


async def set_overrides(
    app: IntakeApp, actor: Actor, unit_code: str, days_off: list[date], working_days: list[date]
) -> CalendarOverrides:
    if actor.unit_code != unit_code:
        raise WrongUnit()
    await known_unit(app, unit_code)
    both = sorted(set(days_off) & set(working_days))
    if both:
        raise RuleViolation(
            "extra_working_days",
            f"Ngày {both[0]} vừa là ngày nghỉ vừa là ngày làm việc",
            f"{both[0]} is both a day off and a working day",
        )
    overrides = CalendarOverrides(frozenset(days_off), frozenset(working_days))
    await app.catalogue.set_overrides(unit_code, overrides, actor.officer_id, app.clock())
    return overrides
