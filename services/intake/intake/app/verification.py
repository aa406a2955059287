"""Anyone can check that an appointment slip or a result is genuine: both carry a QR code with
a short signed token (the deployment's key; its id in the token, so keys can rotate). The check
tells a valid token, an unknown one (well signed, no such document here) and a tampered one
apart, and shows only the code, procedure, unit, date issued, status and the citizen's
initials (Decree 13/2023/NĐ-CP: nothing more personal). Every check is counted.
Source: Decree 118/2025/NĐ-CP and Circular 03/2025/TT-VPCP (the receipt and appointment slip,
form 01; electronic results)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from motcua_shared.contract.dossier_events import DossierStatus, ResolutionOutcome
from motcua_shared.vietnam.timeutil import to_vn

from intake.app.context import IntakeApp
from intake.app.ports import Tampered
from intake.domain.dossier import Dossier

Kind = Literal["slip", "result"]
_KINDS = {"s": "slip", "r": "result"}


@dataclass(frozen=True)
class Verification:
    outcome: Literal["valid", "unknown", "tampered"]
    facts: dict[str, str] | None = None


def initials(full_name: str) -> str:
    """'Nguyễn Văn An' → 'N.V.A.'"""
    return "".join(part[0].upper() + "." for part in full_name.split() if part)


def _issued(dossier: Dossier, kind: str) -> datetime | None:
    if kind == "slip":
        return dossier.received_at
    if dossier.status in (DossierStatus.RESOLVED, DossierStatus.RETURNED):
        return dossier.resolved_at
    return None


def tokens_for(app: IntakeApp, dossier: Dossier, base_url: str) -> dict[str, str | None]:
    """The tokens the desk prints as QR codes (None while that document does not exist yet)."""
    assert app.digitisation is not None
    signer = app.digitisation.verify_signer
    out: dict[str, str | None] = {}
    for short, kind in _KINDS.items():
        token = signer.sign([dossier.code, short]) if _issued(dossier, kind) else None
        out[f"{kind}_token"] = token
        out[f"{kind}_url"] = f"{base_url}/xac-minh/{token}" if token else None
    return out


async def verify(app: IntakeApp, token: str) -> Verification:
    assert app.digitisation is not None
    verification = await _check(app, token)
    day = to_vn(app.clock()).date().isoformat()
    await app.digitisation.verifications.increment({"day": day, "outcome": verification.outcome})
    return verification


async def _check(app: IntakeApp, token: str) -> Verification:
    assert app.digitisation is not None
    try:
        value = app.digitisation.verify_signer.unsign(token)
        code, short = value
        kind = _KINDS[short]
    except (Tampered, ValueError, TypeError, KeyError):
        return Verification("tampered")
    dossier = await app.dossiers.get(code)
    issued = _issued(dossier, kind) if dossier else None
    if dossier is None or issued is None:
        return Verification("unknown")
    facts = {
        "kind": kind,
        "code": dossier.code,
        "procedure": dossier.procedure_name,
        "unit": dossier.unit_name,
        "issued_on": to_vn(issued).strftime("%d/%m/%Y"),
        "status": dossier.status.value,
        "citizen_initials": initials(dossier.citizen.full_name),
    }
    if kind == "result":
        facts["outcome"] = (dossier.outcome or ResolutionOutcome.APPROVED).value
    return Verification("valid", facts)
