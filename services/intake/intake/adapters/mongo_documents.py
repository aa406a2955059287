"""Domain models ↔ MongoDB documents. BSON has no date-only or time-of-day type, so those
are stored as ISO strings and pydantic parses them back."""

from datetime import date, datetime, time
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def to_document(model: BaseModel, key: str) -> dict[str, Any]:
    document = _bsonable(model.model_dump(mode="python"))
    document["_id"] = key
    return document


def from_document(model: type[M], document: dict[str, Any]) -> M:
    return model.model_validate({k: v for k, v in document.items() if k != "_id"})


def _bsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _bsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_bsonable(v) for v in value]
    if isinstance(value, (date, time)) and not isinstance(value, datetime):
        return value.isoformat()
    return value
