"""A cap on request bodies for paths anyone can reach without a token (providers' webhooks):
413 as soon as Content-Length or the bytes received pass the cap, before a handler reads or
parses anything. Decree 118/2025/NĐ-CP (the one-stop system kept available and secure)."""

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from motcua_shared.web.api_errors import ApiError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyTooLarge(Exception):
    pass


def too_large(max_bytes: int) -> ApiError:
    return ApiError(
        413,
        "body_too_large",
        f"Nội dung yêu cầu vượt quá {max_bytes} byte",
        f"Request body larger than {max_bytes} bytes",
    )


class BodyLimit:
    """ASGI middleware: bodies of requests under `prefixes` at most `max_bytes`."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, prefixes: tuple[str, ...]) -> None:
        self.app, self.max_bytes, self.prefixes = app, max_bytes, prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefixes):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise BodyTooLarge()
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        from fastapi.responses import JSONResponse

        error = too_large(self.max_bytes)
        await JSONResponse(error.body(), status_code=error.status, headers={"Connection": "close"})(
            scope, receive, send
        )
