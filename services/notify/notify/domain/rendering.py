"""Rendering a template: the ZNS parameters (each cut to its ZNS length) with the Vietnamese text
they make, and the SMS text without diacritics that must fit one GSM-7 part.

The SMS rule is deterministic: names are first cut to the template's caps; if the text still
needs a second part, the procedure name and then the unit name are cut further, with '...',
never below NAME_FLOOR characters. If that is not enough (a very long code or link), the
message is refused with the reason, before anything is sent.
"""

from dataclasses import dataclass
from string import Formatter

from notify.domain.sms_text import SINGLE_PART, shorten, sms_size, to_sms_text
from notify.domain.templates import ZNS_PARAMS, Template

NAME_FLOOR = 12
SHRINK_ORDER = ("procedure", "unit")


class MessageTooLong(ValueError):
    """The SMS cannot fit one part even with names cut to the floor."""


@dataclass(frozen=True)
class RenderedMessage:
    text_vi: str  # what the citizen reads on Zalo
    zns_template_id: str
    zns_data: dict[str, str]
    sms_text: str  # GSM-7, no diacritics
    sms_septets: int
    sms_parts: int


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def render(
    template: Template, fields: dict[str, str], zns_template_id: str | None = None
) -> RenderedMessage:
    zalo_fields = placeholders(template.zalo_text)
    zns_values = {name: _cut_vi(fields[name], ZNS_PARAMS[name].max_length) for name in zalo_fields}
    sms_text = fit_sms(template, fields)
    size = sms_size(sms_text)
    return RenderedMessage(
        text_vi=template.zalo_text.format(**zns_values),
        zns_template_id=zns_template_id or template.zns_template_id,
        zns_data={ZNS_PARAMS[name].name: value for name, value in zns_values.items()},
        sms_text=sms_text,
        sms_septets=size.septets,
        sms_parts=size.parts,
    )


def fit_sms(template: Template, fields: dict[str, str]) -> str:
    names = placeholders(template.sms_text)
    values = {name: to_sms_text(fields[name]) for name in names}
    for name, cap in template.sms_caps.items():
        if name in values:
            values[name] = shorten(values[name], cap)
    body = to_sms_text(template.sms_text)
    text = body.format(**values)
    for name in (n for n in SHRINK_ORDER if n in values):
        overflow = sms_size(text).septets - SINGLE_PART
        if overflow <= 0:
            break
        room = len(values[name]) - NAME_FLOOR
        if room > 0:
            values[name] = shorten(values[name], len(values[name]) - min(overflow + 3, room))
            text = body.format(**values)
    size = sms_size(text)
    if size.parts > 1:
        raise MessageTooLong(
            f"SMS for {template.kind} needs {size.parts} parts ({size.septets} GSM-7 characters, "
            f"one part holds {SINGLE_PART}) even with names cut to {NAME_FLOOR} characters"
        )
    return text


def _cut_vi(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"
