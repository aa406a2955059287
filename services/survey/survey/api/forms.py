"""Reading an HTML form into the same pydantic models as the JSON API.

Browsers and input methods (macOS, some Vietnamese keyboards) may send decomposed (NFD) text:
the form normalises it to NFC, which loses nothing; the JSON API refuses non-NFC text instead.
"""

import unicodedata
from typing import TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

T = TypeVar("T", bound=BaseModel)


async def read_form(
    request: Request, model: type[T], fields: tuple[str, ...]
) -> tuple[T | None, dict[str, str], list[str]]:
    """(the validated model or None, the raw values to re-fill the form, the fields in error)."""
    form = await request.form()
    values = {name: unicodedata.normalize("NFC", str(form.get(name) or "")) for name in fields}
    data = {name: value for name, value in values.items() if value.strip()}
    try:
        return model.model_validate(data), values, []
    except ValidationError as exc:
        return None, values, [str(err["loc"][0]) for err in exc.errors() if err.get("loc")]
