"""Projection documents <-> domain objects. Days are ISO strings ("2026-02-16"), months
"2026-02": they sort as dates and are what the indexes range over."""

from dataclasses import asdict, fields
from datetime import date, datetime
from typing import Any

from motcua_shared.vietnam.timeutil import as_utc

from reporting.app.ports import ParkedEvent
from reporting.domain.counts import CountChange
from reporting.domain.dossier_projection import DossierState
from reporting.domain.feedback import FeedbackCount
from reporting.domain.periods import local_day, month_of
from reporting.domain.satisfaction import SurveyAnswer

_STATE_FIELDS = tuple(f.name for f in fields(DossierState))


def day_key(day: date) -> str:
    return day.isoformat()


def dossier_doc(state: DossierState) -> dict[str, Any]:
    doc: dict[str, Any] = {"_id": state.code, **asdict(state)}
    doc.pop("code")
    overdue_until = state.overdue_until
    doc |= {
        "counted": state.counted,
        "clock_stopped": state.clock_stopped,
        "received_day": day_key(local_day(state.received_at)) if state.received_at else None,
        "finished_day": day_key(local_day(state.finished_at)) if state.finished_at else None,
        "due_day": day_key(local_day(state.original_due_at)) if state.original_due_at else None,
        "overdue_until": day_key(overdue_until) if overdue_until else None,
    }
    return doc


def dossier_state(doc: dict[str, Any]) -> DossierState:
    values: dict[str, Any] = {name: doc.get(name) for name in _STATE_FIELDS if name != "code"}
    for name, value in values.items():
        if isinstance(value, datetime):
            values[name] = as_utc(value)
    return DossierState(code=doc["_id"], **values)


def unit_key(unit_code: str) -> str:
    """A unit code as a field name: "." and "$" would be read as a path or an operator."""
    return unit_code.replace(".", "\uff0e").replace("$", "\uff04")


def unit_of_key(key: str) -> str:
    return key.replace("\uff0e", ".").replace("\uff04", "$")


UNIT_YEAR = "unit_year"
PROVINCE_YEAR = "province_year"
CounterUpdates = dict[tuple[str, str], tuple[dict[str, int], dict[str, Any]]]


def counter_updates(state: DossierState, changes: list[CountChange]) -> CounterUpdates:
    """{(grain, counter doc id): ($inc, labels of a new document)}: grain "day" and "month" per
    unit × procedure, and "unit_year" per unit alone, one document a year holding its months
    (`months.<YYYY-MM>.<counter>`) and its year's total (`total.<counter>`): the rollup a unit's
    reports read, one document per unit and year whatever the period's length; and
    "province_year", one document per province × year holding its units' months
    (`units.<unit>.<YYYY-MM>.<counter>`) and year totals (`totals.<unit>.<counter>`): what a
    province's reports by unit or month read, one document per year whatever its units. A
    whole year is read from its totals alone (a projection: a twelfth of the counters)."""
    unit = {
        "unit_code": state.unit_code,
        "unit_name": state.unit_name,
        "province_code": state.province_code,
    }
    labels = unit | {
        "procedure_code": state.procedure_code,
        "procedure_name": state.procedure_name,
        "field_code": state.field_code,
    }
    updates: CounterUpdates = {}
    for change in changes:
        month = month_of(change.day)
        year = month[:4]
        for grain, doc_id, doc_labels, names in (
            (
                "day",
                f"{state.unit_code}|{day_key(change.day)}|{state.procedure_code}",
                labels | {"day": day_key(change.day)},
                (change.name,),
            ),
            (
                "month",
                f"{state.unit_code}|{month}|{state.procedure_code}",
                labels | {"month": month},
                (change.name,),
            ),
            (
                UNIT_YEAR,
                f"{state.unit_code}|{year}",
                unit | {"year": year},
                (f"months.{month}.{change.name}", f"total.{change.name}"),
            ),
            (
                PROVINCE_YEAR,
                f"{state.province_code}|{year}",
                {"province_code": state.province_code, "year": year},
                (
                    f"units.{unit_key(state.unit_code)}.{month}.{change.name}",
                    f"totals.{unit_key(state.unit_code)}.{change.name}",
                ),
            ),
        ):
            inc, _ = updates.setdefault((grain, doc_id), ({}, doc_labels))
            for name in names:
                inc[name] = inc.get(name, 0) + change.delta
    return updates


def add_counts(doc: dict[str, Any], inc: dict[str, int]) -> dict[str, Any]:
    """`doc` with `inc` added, as `$inc` would (dotted names reach into sub-documents)."""
    for name, value in inc.items():
        *path, leaf = name.split(".")
        target = doc
        for part in path:
            target = target.setdefault(part, {})
        target[leaf] = target.get(leaf, 0) + value
    return doc


def answer_doc(answer: SurveyAnswer) -> dict[str, Any]:
    doc = asdict(answer) | {
        "_id": answer.dossier_code,
        "answered_day": day_key(answer.answered_day),
    }
    doc.pop("dossier_code")
    return doc


def survey_answer(doc: dict[str, Any]) -> SurveyAnswer:
    values = {k: v for k, v in doc.items() if k != "_id"}
    values["answered_day"] = date.fromisoformat(values["answered_day"])
    return SurveyAnswer(dossier_code=doc["_id"], **values)


def satisfaction_update(answer: SurveyAnswer) -> tuple[str, dict[str, Any], dict[str, Any]]:
    day = answer.answered_day
    key = f"{answer.unit_code}|{day_key(day)}|{answer.procedure_code}|{answer.officer_id}"
    labels = {
        "unit_code": answer.unit_code,
        "unit_name": answer.unit_name,
        "province_code": answer.province_code,
        "procedure_code": answer.procedure_code,
        "field_code": answer.field_code,
        "officer_id": answer.officer_id,
        "day": day_key(day),
        "month": month_of(day),
    }
    return key, {answer.level: 1}, labels


def feedback_update(count: FeedbackCount) -> tuple[str, dict[str, int], dict[str, Any]]:
    """(doc id, $inc, $setOnInsert) of the unit's feedback counters on the day of receipt."""
    labels = {
        "unit_code": count.unit_code,
        "unit_name": count.unit_name,
        "province_code": count.province_code,
        "day": day_key(count.day),
        "month": month_of(count.day),
    }
    return f"{count.unit_code}|{day_key(count.day)}", {count.name: 1}, labels


def parked_doc(event: ParkedEvent) -> dict[str, Any]:
    return {"_id": parked_id(event.aggregate_id, event.aggregate_version), **asdict(event)}


def parked_event(doc: dict[str, Any]) -> ParkedEvent:
    values = {name: doc[name] for name in ParkedEvent.__dataclass_fields__}
    values["parked_at"] = as_utc(values["parked_at"])
    return ParkedEvent(**values)


def parked_id(code: str, version: int) -> str:
    return f"{code}#{version}"
