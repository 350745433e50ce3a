"""ASGI middleware that rejects request bodies above a size limit with 413."""

from __future__ import annotations

import json
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)


class BodySizeLimit:
    """Reject bodies larger than `max_body_bytes`, or `max_upload_bytes` on upload paths.

    A declared Content-Length is checked before anything is read. A body without one (chunked)
    is read up to the limit and then replayed to the app, so no route reads a partial body.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        max_upload_bytes: int,
        upload_paths: frozenset[str],
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes
        self.upload_paths = upload_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_upload_bytes if scope["path"] in self.upload_paths else self.max_body_bytes

        declared = _content_length(scope)
        if declared is not None:
            if declared > limit:
                await _reject(scope, send, f"{declared:,} bytes", limit)
                return
            await self.app(scope, receive, send)
            return

        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > limit:
                # The rest is never read, so only a lower bound of the size is known.
                await _reject(scope, send, f"at least {size:,} bytes", limit)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _reject(scope: Scope, send: Send, size: str, limit: int) -> None:
    """Send a 413 response; `size` describes the body size, exact or as a lower bound."""
    logger.warning(
        "%s %s: body of %s rejected, limit %d bytes", scope["method"], scope["path"], size, limit
    )
    body = json.dumps(
        {"detail": f"request body is too large: {size}; at most {limit:,} bytes are accepted"}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": body})
