"""Uploads against the real server (``streamlit run serve.py``) in Chromium: a public session may
not upload at all, signed-in staff up to ``ATLAS_MAX_UPLOAD_MB``; leftovers are cleaned at start."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from accounts.auth import CONSOLE, create_user
from storage.db import open_database, session_scope
from tests.browser_support import MAP_TIMEOUT_MS, log_in, running_app, wait_idle

PASSWORD = "ein langes passwort"
MB = 1024 * 1024

# Sends a PUT to the upload endpoint from inside the page, as Streamlit's own uploader does
# (the XSRF token from the cookie in the header); answers the status code and body.
PUT_JS = """async ([sid, size]) => {
  const xsrf = (document.cookie.match(/(?:^|; )_streamlit_xsrf=([^;]*)/) || [])[1] || "";
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(size)]), "big.osm.pbf");
  const r = await fetch(`/_stcore/upload_file/${sid}/f${Date.now()}`,
    {method: "PUT", body: form, headers: {"X-Xsrftoken": decodeURIComponent(xsrf)}, credentials: "same-origin"});
  return [r.status, await r.text()];
}"""


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _watch_session_id(page) -> dict[str, str]:
    """The session id Streamlit sends in its first message over the websocket."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    seen: dict[str, str] = {}

    def on_frame(payload) -> None:
        if isinstance(payload, (bytes, bytearray)) and "sid" not in seen:
            try:
                msg = ForwardMsg.FromString(bytes(payload))
            except Exception:  # noqa: BLE001 - other frames are not ForwardMsgs we need
                return
            if msg.HasField("new_session") and msg.new_session.initialize.session_id:
                seen["sid"] = msg.new_session.initialize.session_id

    page.on("websocket", lambda ws: ws.on("framereceived", on_frame))
    return seen


def _open(browser, url: str):
    context = browser.new_context(locale="de-DE", viewport={"width": 1400, "height": 1700})
    page = context.new_page()
    seen = _watch_session_id(page)
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=MAP_TIMEOUT_MS)
    page.wait_for_function("() => true")
    assert "sid" in seen, "no session id seen on the websocket"
    return page, seen["sid"]


@pytest.mark.browser
def test_uploads_only_from_signed_in_staff_and_within_the_limit(browser, tmp_path, extract_path):
    db = f"sqlite:///{tmp_path / 'atlas.db'}"
    engine = open_database(db)
    with session_scope(engine) as session:
        create_user(session, actor=CONSOLE, name="maria", role="manager", password=PASSWORD)
    engine.dispose()
    uploads = tmp_path / "uploads"
    crashed = uploads / f"{_dead_pid()}-left"
    crashed.mkdir(parents=True)
    (crashed / "half.osm.pbf").write_bytes(b"x" * 1000)
    env = {"ATLAS_MAX_UPLOAD_MB": "2", "ATLAS_UPLOAD_DIR": str(uploads)}
    with running_app(db, tmp_path / "streamlit.log", env=env) as base:
        public, public_sid = _open(browser, base)
        # The app's start removed what a crashed import left behind.
        assert not crashed.exists()
        # A resident's session: refused before the body is read, however small.
        status, body = public.evaluate(PUT_JS, [public_sid, 1000])
        assert status == 403 and "signed-in staff" in body

        staff, staff_sid = _open(browser, base)
        status, _ = staff.evaluate(PUT_JS, [staff_sid, 1000])
        assert status == 403  # not signed in yet
        log_in(staff, "maria", PASSWORD)
        status, _ = staff.evaluate(PUT_JS, [staff_sid, int(2.5 * MB)])
        assert status == 413  # ATLAS_MAX_UPLOAD_MB=2 holds on the server
        status, _ = staff.evaluate(PUT_JS, [staff_sid, 1 * MB])
        assert status == 204
        # The resident is still refused while staff may upload.
        assert public.evaluate(PUT_JS, [public_sid, 1000])[0] == 403

        # A real upload through the import page: imported, progress gone, upload folder removed.
        staff.get_by_role("link", name="Daten importieren").click()
        staff.get_by_role("textbox", name="Name des Gebiets").fill("Neuss")
        put = staff.expect_response(lambda r: "/_stcore/upload_file/" in r.url and r.request.method == "PUT")
        with put as response:
            staff.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(extract_path("neuss")))
        assert response.value.status == 204
        wait_idle(staff)
        staff.get_by_role("button", name="Datei importieren").click()
        staff.get_by_text("„Neuss“:", exact=False).wait_for(timeout=MAP_TIMEOUT_MS * 2)
        assert [p.name for p in uploads.iterdir()] == []

        # Signed out: the session may no longer upload.
        staff.get_by_role("button", name="Abmelden").click()
        staff.get_by_role("link", name="Anmelden (Team)").wait_for(timeout=MAP_TIMEOUT_MS)
        assert staff.evaluate(PUT_JS, [staff_sid, 1000])[0] == 403
        public.context.close()
        staff.context.close()


def test_the_gate_refuses_without_reading_and_passes_other_requests():
    """The middleware alone (no server): a refused upload never asks for its body."""
    import asyncio

    from webui.upload_gate import UploadGate, set_upload_allowed

    calls: list[str] = []

    async def inner(scope, receive, send):
        calls.append(scope["path"])
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    gate = UploadGate(inner, max_mb=1)

    def call(path: str, *, chunks: list[bytes], method: str = "PUT", headers=()) -> tuple[int, int]:
        sent: list[dict] = []
        read = 0

        async def receive():
            nonlocal read
            read += 1
            body = chunks[read - 1] if read <= len(chunks) else b""
            return {"type": "http.request", "body": body, "more_body": read < len(chunks)}

        async def send(message):
            sent.append(message)

        scope = {"type": "http", "method": method, "path": path, "headers": list(headers)}
        # In a thread of its own: Playwright's sync API may keep an event loop running in this one.
        worker = threading.Thread(target=asyncio.run, args=(gate(scope, receive, send),))
        worker.start()
        worker.join(30)
        return next(m["status"] for m in sent if m["type"] == "http.response.start"), read

    assert call("/_stcore/upload_file/s1/f1", chunks=[b"x"]) == (403, 0)
    assert call("/base/_stcore/upload_file/s1/f1", chunks=[b"x"]) == (403, 0)
    assert call("/_stcore/upload_file", chunks=[b"x"]) == (403, 0)
    assert call("/_stcore/health", chunks=[b""], method="GET")[0] == 204
    set_upload_allowed("s1", True)
    assert call("/_stcore/upload_file/s1/f1", chunks=[b"x" * 1000])[0] == 204
    big = [b"x" * MB] * 3
    assert call("/_stcore/upload_file/s1/f1", chunks=big, headers=[(b"content-length", b"3145728")]) == (413, 0)
    # Without (or with a false) Content-Length the streamed body is cut off at the limit.
    status, read = call("/_stcore/upload_file/s1/f1", chunks=big)
    assert status == 413 and read == 3
    set_upload_allowed("s1", False)
    assert call("/_stcore/upload_file/s1/f1", chunks=[b"x"]) == (403, 0)
    assert calls.count("/_stcore/health") == 1


def test_config_toml_keeps_uploads_small_without_the_gate():
    text = (Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text()
    assert "maxUploadSize = 1\n" in text
