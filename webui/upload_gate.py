"""Who may upload files to the server: only sessions of signed-in staff who may import.

Streamlit accepts a file for any open session at ``/_stcore/upload_file/<session>/<file>`` –
also for a resident's session on a public page, which has no uploader at all – and keeps it in
memory. ``serve.py`` puts :class:`UploadGate` in front of Streamlit: an upload for a session
that ``app.py`` has not marked as allowed is refused with 403 before a byte of its body is
read, and an allowed one larger than ``ATLAS_MAX_UPLOAD_MB`` with 413 (Streamlit's own
``server.maxUploadSize``, set from the same setting, also caps the streamed body).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_UPLOAD_PATH = re.compile(r"/_stcore/upload_file(?:/(?P<session>[^/]*))?")
# A grant outlives the last script run by this much (an idle import page, then an upload).
GRANT_TTL_S = 12 * 3600
# Multipart framing around the file (boundary, headers, file name).
_MULTIPART_OVERHEAD = 1024 * 1024

_lock = threading.Lock()
_granted: dict[str, float] = {}
_installed = False


def set_upload_allowed(session_id: str, allowed: bool) -> None:
    """Called by ``app.py`` on every run with whether this session's role may import."""
    now = time.monotonic()
    with _lock:
        if allowed:
            _granted[session_id] = now
        else:
            _granted.pop(session_id, None)
        for sid, seen in list(_granted.items()):
            if now - seen > GRANT_TTL_S:
                del _granted[sid]


def upload_allowed(session_id: str) -> bool:
    with _lock:
        seen = _granted.get(session_id)
    return seen is not None and time.monotonic() - seen <= GRANT_TTL_S


def gate_installed() -> bool:
    """True when this server runs behind :class:`UploadGate` (started from ``serve.py``)."""
    return _installed


async def _refuse(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class UploadGate:
    """ASGI middleware: uploads only from allowed sessions, and none larger than ``max_mb``."""

    def __init__(self, app: ASGIApp, *, max_mb: int) -> None:
        global _installed
        self.app = app
        self.max_bytes = max_mb * 1024 * 1024
        _installed = True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        match = _UPLOAD_PATH.search(scope.get("path", ""))
        if match is None:
            await self.app(scope, receive, send)
            return
        if not upload_allowed(match.group("session") or ""):
            await _refuse(send, 403, "Uploads are only accepted from signed-in staff on the import page.")
            return
        limit = self.max_bytes + _MULTIPART_OVERHEAD
        for name, value in scope.get("headers", []):
            if name.lower() == b"content-length":
                try:
                    too_big = int(value) > limit
                except ValueError:
                    too_big = True
                if too_big:
                    await _refuse(send, 413, "File too large.")
                    return
        received = 0
        exceeded = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message.get("type") == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    # Ends the body for the handler below, which then gives up on the request.
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if exceeded and not started:
                return  # the 413 below answers instead
            if message.get("type") == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await _refuse(send, 413, "File too large.")
