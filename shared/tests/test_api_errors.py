"""What FastAPI itself refuses is answered in motcua's bilingual shape, like every other 4xx."""

import httpx
from fastapi import FastAPI
from pydantic import BaseModel

from motcua_shared.web.api_errors import install_error_handlers


class Note(BaseModel):
    text: str


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/notes")
    async def add(note: Note) -> dict[str, str]:
        return {"text": note.text}

    return app


async def test_an_unreadable_body_an_unknown_path_and_a_wrong_method_are_bilingual():
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=_app()), base_url="http://t"
    ) as http:
        # Not UTF-8: FastAPI's own 400 ("There was an error parsing the body") before this handler.
        unreadable = await http.post(
            "/notes", content=b'{"text": "\xff"}', headers={"content-type": "application/json"}
        )
        unknown = await http.get("/nowhere")
        wrong_method = await http.get("/notes")
        fine = await http.post("/notes", json={"text": "Hồ sơ"})
    assert (unreadable.status_code, unknown.status_code, wrong_method.status_code) == (
        400,
        404,
        405,
    )
    for response, code in (
        (unreadable, "unreadable_body"),
        (unknown, "not_found"),
        (wrong_method, "method_not_allowed"),
    ):
        body = response.json()
        assert body["error"] == code and body["message"] and body["message_en"], body
        assert body["message"] != body["message_en"]
    assert wrong_method.headers["allow"] == "POST"
    assert fine.json() == {"text": "Hồ sơ"}
