"""The citizen downloads a returned result: after a successful public look-up (code + the last
four phone digits) the answer carries short-lived signed links, one per result file; a link
works for `download_link_seconds`, and only while the result was returned less than
`result_download_days` ago. Every download is recorded (Decree 13/2023/NĐ-CP).
Source: Decree 118/2025/NĐ-CP (electronic results returned to the citizen)."""

from datetime import datetime, timedelta

from motcua_shared.contract.dossier_events import DossierStatus

from intake.app.context import Digitisation, IntakeApp
from intake.app.public_lookup import client_key
from intake.domain.dossier import Dossier
from intake.domain.errors import NotFound
from intake.domain.files import Attachment


def _downloadable(dig: Digitisation, dossier: Dossier, now: datetime) -> bool:
    return (
        dossier.status is DossierStatus.RETURNED
        and dossier.returned_at is not None
        and now - dossier.returned_at <= timedelta(days=dig.limits.result_download_days)
    )


def result_links(app: IntakeApp, dossier: Dossier, base_url: str) -> list[dict[str, str]]:
    dig = app.digitisation
    if dig is None or not _downloadable(dig, dossier, app.clock()):
        return []
    link = dig.link_signer.sign_timed
    return [
        {"name": a.name, "url": f"{base_url}/api/v1/public/files/{link([dossier.code, a.file_id])}"}
        for a in dossier.attachments
        if a.role == "result"
    ]


async def access_log(app: IntakeApp, dossier: Dossier) -> list[dict[str, str]]:
    """Who read the citizen's data, for the citizen's own look-up."""
    if app.digitisation is None:
        return []
    entries = await app.digitisation.audit.list(dossier.code)
    return [{"who": e["who"], "what": e["what"], "at": e["at"].isoformat()} for e in entries]


async def download_result(
    app: IntakeApp, client_address: str, token: str
) -> tuple[Attachment, bytes]:
    """The file behind a link; NotFound for a link that is no longer (or never was) valid.
    Tampered / Expired come from the signer."""
    dig = app.digitisation
    assert dig is not None
    code, file_id = dig.link_signer.unsign_timed(token, dig.limits.download_link_seconds)
    dossier = await app.dossiers.get(code)
    now = app.clock()
    if dossier is None or not _downloadable(dig, dossier, now):
        raise NotFound("file", file_id)
    attachment = dossier.attachment(file_id)
    data = await dig.files.get(file_id) if attachment.role == "result" else None
    if data is None:
        raise NotFound("file", file_id)
    await dig.audit.record(
        code,
        f"công dân / citizen ({client_key(client_address)[:8]})",
        f"tải kết quả / downloaded {attachment.name}",
        now,
    )
    return attachment, data
