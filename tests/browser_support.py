"""What the Chromium tests share: start the real app on a free port, and pages that can reach only it."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START_TIMEOUT_S = 90
MAP_TIMEOUT_MS = 60_000
LOCAL_URL = re.compile(r"^(https?|wss?)://127\.0\.0\.1(:\d+)?/")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_healthy(proc: subprocess.Popen, url: str) -> None:
    """Poll the health endpoint until the server answers (or has died)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"streamlit not healthy after {START_TIMEOUT_S} s")


@contextmanager
def running_app(database_url: str, log_path: Path, *, env: dict[str, str] | None = None) -> Iterator[str]:
    """``streamlit run serve.py`` (as ``make run`` starts it: app.py behind the upload gate) on a
    free port of 127.0.0.1 with no map tiles; yields its base URL. ``env``: more settings."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "ATLAS_TILES": "none", **(env or {})}
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", "serve.py",
                "--server.headless", "true",
                "--server.port", str(port),
                "--server.address", "127.0.0.1",
                "--server.fileWatcherType", "none",
                "--browser.gatherUsageStats", "false",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_until_healthy(proc, f"http://127.0.0.1:{port}/_stcore/health")
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def chromium() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_offline_page(browser, url: str, **context_args):
    """A page that can reach only the app; every other request is blocked and listed in
    ``page.blocked``. ``context_args`` go to ``browser.new_context`` (viewport, is_mobile, …)."""
    context_args.setdefault("viewport", {"width": 1400, "height": 1700})
    context = browser.new_context(locale="de-DE", **context_args)
    page = context.new_page()
    page.blocked = []  # type: ignore[attr-defined]

    def route(route_obj) -> None:
        if LOCAL_URL.match(route_obj.request.url):
            route_obj.continue_()
        else:
            page.blocked.append(route_obj.request.url)  # type: ignore[attr-defined]
            route_obj.abort()

    context.route("**/*", route)
    page.goto(url)
    return page


@contextmanager
def offline_page(browser, url: str, *, viewport: tuple[int, int] = (1400, 1700)) -> Iterator:
    """``open_offline_page`` as a context manager that closes the page's context afterwards."""
    page = open_offline_page(browser, url, viewport={"width": viewport[0], "height": viewport[1]})
    try:
        yield page
    finally:
        page.context.close()


MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'


def map_count(page) -> int:
    return page.locator(MAP_IFRAME).count()


def wait_single_map(page) -> None:
    """During a rerun Streamlit briefly shows the old and the new map iframe: wait for one."""
    page.wait_for_function(
        f"() => document.querySelectorAll({MAP_IFRAME!r}).length === 1", timeout=MAP_TIMEOUT_MS
    )


def wait_idle(page) -> None:
    """Wait until the script run a widget change started has finished (no sleeps)."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=MAP_TIMEOUT_MS)


def map_frame(page):
    page.wait_for_selector(MAP_IFRAME, timeout=MAP_TIMEOUT_MS)
    wait_single_map(page)
    return page.frame_locator(MAP_IFRAME)


def log_in(page, name: str, password: str) -> None:
    """Sign in through the login page of the navigation."""
    page.get_by_role("link", name="Anmelden (Team)").click()
    page.get_by_role("textbox", name="Anmeldename").fill(name)
    page.get_by_role("textbox", name="Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    # Signed in once the sidebar offers to sign out (and the staff start page has opened).
    page.get_by_role("button", name="Abmelden").wait_for(timeout=MAP_TIMEOUT_MS)
