"""Digitised papers and results of a dossier (officers of its unit): upload a scan per required
paper (desk), the result (specialist, leader), reuse a paper of the citizen's earlier dossier,
download a file (recorded), see who read the citizen's data. Rules in app/files.py."""

import re
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Form, Path, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import Field
from starlette.middleware.base import RequestResponseEndpoint

from intake.api.deps import DESK, OFFICERS, PROCESSING, AppDep, PrincipalDep, actor_dep, services
from intake.api.dossiers import CodePath
from intake.api.errors import to_api_error
from intake.api.schemas import Strict, Text
from intake.api.views import officer_view
from intake.app import files
from intake.app.apply_action import read_dossier
from intake.app.context import Actor
from intake.app.result_access import access_log
from intake.domain.files import FileTooLarge

FileIdPath = Annotated[str, Path(pattern=r"^[0-9a-f]{24}$", description="Mã tệp / file id")]


class ReusePaperRequest(Strict):
    from_code: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9\-]+$")]
    file_id: Annotated[str, Field(pattern=r"^[0-9a-f]{24}$")]
    paper: Text


async def _read_capped(request: Request, upload: UploadFile) -> bytes:
    """The upload's bytes, refusing (413) past the per-file limit without reading further."""
    limit = files.max_file_bytes(services(request).intake)
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(limit, "file")
    return data


_UPLOAD_PATHS = re.compile(r"^/api/v1/dossiers/[^/]+/(papers|result)$")
_FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the other fields


def install_upload_cap(app: FastAPI, max_file_bytes: int) -> None:
    """Refuse (413) an upload whose declared length is over the limit before its body is read:
    the form parser would otherwise spool all of it to disk first."""

    @app.middleware("http")
    async def cap(request: Request, call_next: RequestResponseEndpoint) -> Response:
        length = request.headers.get("content-length", "")
        if (
            request.method == "POST"
            and length.isdigit()
            and int(length) > max_file_bytes + _FORM_OVERHEAD
            and _UPLOAD_PATHS.match(request.url.path)
        ):
            error = to_api_error(FileTooLarge(max_file_bytes, "file"))
            return JSONResponse(error.body(), status_code=error.status)
        return await call_next(request)


def file_response(name: str, content_type: str, data: bytes) -> Response:
    """A stored file as a download, never rendered inline as whatever a browser might guess."""
    return Response(
        data,
        media_type=content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )


def files_router(principal: PrincipalDep) -> APIRouter:
    router = APIRouter(prefix="/api/v1/dossiers/{code}", tags=["digitised files / số hoá"])
    desk = actor_dep(principal, DESK)
    processor = actor_dep(principal, PROCESSING)
    officer = actor_dep(principal, OFFICERS)

    @router.post(
        "/papers",
        status_code=201,
        summary="Số hoá giấy tờ / attach the scan of a required paper",
        description="PDF, JPEG hoặc PNG (kiểm tra theo nội dung); quá cỡ → 413, sai loại "
        "→ 415, giấy tờ "
        "không thuộc thủ tục → 422; không lưu gì khi bị từ chối. / Type from the bytes; "
        "413 / 415 / 422 otherwise, nothing stored.",
    )
    async def attach_paper(
        request: Request,
        code: CodePath,
        app: AppDep,
        file: UploadFile,
        paper: Annotated[str, Form(min_length=1, max_length=300)],
        actor: Actor = desk,
    ) -> dict[str, Any]:
        data = await _read_capped(request, file)
        return officer_view(
            await files.attach_file(app, actor, code, "paper", paper, file.filename, data)
        )

    @router.post("/result", status_code=201, summary="Số hoá kết quả / attach the result file")
    async def attach_result(
        request: Request, code: CodePath, app: AppDep, file: UploadFile, actor: Actor = processor
    ) -> dict[str, Any]:
        data = await _read_capped(request, file)
        return officer_view(
            await files.attach_file(app, actor, code, "result", None, file.filename, data)
        )

    @router.get(
        "/reusable-papers", summary="Giấy tờ đã số hoá của công dân / the citizen's papers to reuse"
    )
    async def reusable(code: CodePath, app: AppDep, actor: Actor = desk) -> dict[str, Any]:
        return {"papers": await files.reusable_papers(app, actor, code)}

    @router.post(
        "/papers/reuse",
        status_code=201,
        summary="Dùng lại giấy tờ đã số hoá / reuse a digitised paper",
    )
    async def reuse(
        code: CodePath, body: ReusePaperRequest, app: AppDep, actor: Actor = desk
    ) -> dict[str, Any]:
        return officer_view(
            await files.reuse_paper(app, actor, code, body.from_code, body.file_id, body.paper)
        )

    @router.get(
        "/files/{file_id}",
        summary="Tải tệp / download a file (recorded)",
        responses={200: {"content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}}}},
    )
    async def download(
        code: CodePath, file_id: FileIdPath, app: AppDep, actor: Actor = officer
    ) -> Response:
        attachment, data = await files.read_file(app, actor, code, file_id)
        return file_response(attachment.name, attachment.content_type, data)

    @router.get(
        "/access-log", summary="Ai đã xem dữ liệu của công dân / who read the citizen's data"
    )
    async def accesses(code: CodePath, app: AppDep, actor: Actor = officer) -> dict[str, Any]:
        return {"entries": await access_log(app, await read_dossier(app, actor, code))}

    return router
