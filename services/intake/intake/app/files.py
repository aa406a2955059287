"""Digitised papers and results of a dossier: attach (a scan, or a paper already digitised for
an earlier dossier of the same citizen), read (audited), list what can be reused.

Rule (domain/files.py): type from the bytes, size limits per file and per dossier, a paper must
be one the procedure requires; a refused file leaves nothing stored. Every officer's read of a
citizen's file is recorded (Decree 13/2023/NĐ-CP); source: Decree 118/2025/NĐ-CP."""

import logging
from datetime import datetime
from typing import Literal

from intake.app.apply_action import act_on_dossier, read_dossier
from intake.app.context import Actor, Digitisation, IntakeApp
from intake.domain.dossier import Dossier
from intake.domain.errors import NotFound, RuleViolation
from intake.domain.files import Attachment, FileTooLarge, check_file, safe_name
from intake.domain.lifecycle import Action, next_status

log = logging.getLogger(__name__)


def _digitisation(app: IntakeApp) -> Digitisation:
    assert app.digitisation is not None, "digitisation is wired in bootstrap.py"
    return app.digitisation


def max_file_bytes(app: IntakeApp) -> int:
    """The per-file upload limit, which the API enforces while reading."""
    return _digitisation(app).limits.max_file_bytes


async def _required_paper(app: IntakeApp, dossier: Dossier, paper: str | None) -> str:
    procedure = await app.catalogue.procedure(dossier.procedure_code)
    if not paper or procedure is None or paper not in procedure.required_papers:
        raise RuleViolation(
            "paper",
            "Giấy tờ không thuộc thành phần hồ sơ của thủ tục",
            "Not one of the papers this procedure requires",
        )
    return paper


def _stored_bytes(dossier: Dossier) -> int:
    # A reused scan is stored once, under the dossier it was made for.
    return sum(a.size_bytes for a in dossier.attachments if a.reused_from is None)


async def attach_file(
    app: IntakeApp,
    actor: Actor,
    code: str,
    role: Literal["paper", "result"],
    paper: str | None,
    name: str | None,
    data: bytes,
) -> Dossier:
    dig = _digitisation(app)
    dossier = await read_dossier(app, actor, code)
    next_status(Action.ATTACH_PAPER if role == "paper" else Action.ATTACH_RESULT, dossier.status)
    if role == "paper":
        paper = await _required_paper(app, dossier, paper)
    limits = dig.limits
    content_type, sha256 = check_file(
        data, limits.max_file_bytes, _stored_bytes(dossier), limits.max_dossier_bytes
    )
    display = safe_name(name, content_type)
    file_id = await dig.files.put(data, display, content_type, {"dossier_code": code, "role": role})

    def change(d: Dossier, at: datetime) -> None:
        if (
            _stored_bytes(d) + len(data) > limits.max_dossier_bytes
        ):  # another file arrived meanwhile
            raise FileTooLarge(limits.max_dossier_bytes, "dossier")
        d.attach(
            Attachment(
                file_id=file_id,
                role=role,
                paper=paper if role == "paper" else None,
                name=display,
                content_type=content_type,
                size_bytes=len(data),
                sha256=sha256,
                attached_at=at,
                officer_id=actor.officer_id,
            )
        )

    try:
        return await act_on_dossier(app, actor, code, change)
    except BaseException:
        await dig.files.delete(file_id)  # refused: keep nothing
        raise


async def reusable_papers(app: IntakeApp, actor: Actor, code: str) -> list[dict[str, str | int]]:
    """Papers digitised for the citizen's earlier dossiers (same CCCD), with their hashes."""
    dig = _digitisation(app)
    dossier = await read_dossier(app, actor, code)
    if not dossier.citizen.cccd:
        return []
    found = await dig.citizens.with_papers_of(dossier.citizen.cccd, exclude=code)
    await dig.audit.record(
        code,
        actor.officer_id,
        "giấy tờ đã số hoá của công dân / the citizen's digitised papers",
        app.clock(),
    )
    return [
        {
            "dossier_code": d.code,
            "file_id": a.file_id,
            "paper": a.paper or "",
            "name": a.name,
            "sha256": a.sha256,
            "size_bytes": a.size_bytes,
            "attached_at": a.attached_at.isoformat(),
        }
        for d in found
        for a in d.attachments
        if a.role == "paper" and a.reused_from is None
    ]


async def reuse_paper(
    app: IntakeApp, actor: Actor, code: str, from_code: str, file_id: str, paper: str
) -> Dossier:
    _digitisation(app)  # refuses at once when digitisation is not wired
    dossier = await read_dossier(app, actor, code)
    paper = await _required_paper(app, dossier, paper)
    source = await app.dossiers.get(from_code)
    original = (
        next(
            (
                a
                for a in source.attachments
                if a.file_id == file_id and a.role == "paper" and a.reused_from is None
            ),
            None,
        )
        if source
        else None
    )
    same_citizen = (
        source is not None and dossier.citizen.cccd and source.citizen.cccd == dossier.citizen.cccd
    )
    if original is None or not same_citizen:
        raise NotFound(
            "file", file_id
        )  # the same answer whether it exists for someone else or not at all

    def change(d: Dossier, at: datetime) -> None:
        d.attach(
            original.model_copy(
                update={
                    "paper": paper,
                    "attached_at": at,
                    "officer_id": actor.officer_id,
                    "reused_from": from_code,
                }
            )
        )

    return await act_on_dossier(app, actor, code, change)


async def read_file(
    app: IntakeApp, actor: Actor, code: str, file_id: str
) -> tuple[Attachment, bytes]:
    dig = _digitisation(app)
    dossier = await read_dossier(app, actor, code)
    attachment = dossier.attachment(file_id)
    data = await dig.files.get(file_id)
    if data is None:
        raise NotFound("file", file_id)
    await dig.audit.record(
        code,
        actor.officer_id,
        f"tệp / file {attachment.name} ({attachment.sha256[:12]})",
        app.clock(),
    )
    return attachment, data


async def audited_read(app: IntakeApp, actor: Actor, code: str) -> Dossier:
    """The officer's view of a dossier shows the citizen's name, CCCD, phone, address: recorded."""
    dossier = await read_dossier(app, actor, code)
    if app.digitisation is not None:
        await app.digitisation.audit.record(
            code, actor.officer_id, "thông tin cá nhân / personal fields", app.clock()
        )
    return dossier
