"""The chat measured as a person sees it: from pressing Enter to the answer on screen.

Starts the Streamlit app on 127.0.0.1, drives Debian's chromium with Playwright,
and times each question until its answer's first source appears.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from mentor.errors import MentorError
from mentor.settings import PROJECT_ROOT

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, proc: subprocess.Popen, timeout: float) -> bool:
    """Poll a local server's URL until it answers; False if the process exits or time runs out."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return True
        except OSError:
            if proc.poll() is not None:
                return False
            time.sleep(0.3)
    return False


@contextmanager
def serve_app(env: dict | None = None, timeout: float = 90):
    """The Streamlit app on 127.0.0.1 for the duration of the block; its URL."""
    port = free_port()
    # The app's log goes to a file: a pipe nobody reads fills up and stalls the server mid-answer.
    log = tempfile.TemporaryFile("w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "ui" / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=log, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        if not wait_for_http(f"{url}/_stcore/health", proc, timeout):
            log.seek(0)
            raise MentorError(f"The Streamlit app did not start: {log.read()[-500:]}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextmanager
def chromium_page():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise MentorError("The browser benchmark needs playwright (the dev extra).") from None
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        raise MentorError("The browser benchmark needs chromium (apt-get install chromium).")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser.new_page(viewport={"width": 1280, "height": 900})
        finally:
            browser.close()


# The script is idle: no "running" widget and no stale elements left from the previous run.
# While a rerun is in flight the page holds old and new chat bubbles at once, so counting
# bubbles then gives a wrong baseline.
IDLE_JS = """() => !document.querySelector('[data-testid="stStatusWidget"]')
                  && !document.querySelector('[data-stale="true"]')"""


def wait_until_idle(page, timeout_ms: float = 30000) -> None:
    # Idle must hold twice 300 ms apart: a rerun may start right after the previous one ends.
    for _ in range(2):
        page.wait_for_function(IDLE_JS, timeout=timeout_ms)
        page.wait_for_timeout(300)
    page.wait_for_function(IDLE_JS, timeout=timeout_ms)


def ask_in_browser(page, question: str, timeout_ms: float = 30000) -> float:
    """Type a question, press Enter, wait until the reply is on screen; seconds it took."""
    wait_until_idle(page, timeout_ms)
    before = page.locator('[data-testid="stChatMessage"]').count()
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    started = time.perf_counter()
    box.press("Enter")
    # The question's bubble, then the reply's bubble with text in it (answers and abstentions alike),
    # counted only once the run has settled.
    page.wait_for_function(
        """n => { if (document.querySelector('[data-stale="true"]')) return false;
                  const m = document.querySelectorAll('[data-testid="stChatMessage"]');
                  return m.length >= n + 2 && m[m.length - 1].innerText.trim().length > 20; }""",
        arg=before, timeout=timeout_ms)
    return time.perf_counter() - started


def measure(url: str, questions: list[str], rounds: int = 5) -> dict:
    from playwright.sync_api import Error as PlaywrightError

    try:
        return _measure(url, questions, rounds)
    except PlaywrightError as exc:
        raise MentorError(f"The browser measurement did not complete ({str(exc).splitlines()[0]}).") from None


def _measure(url: str, questions: list[str], rounds: int) -> dict:
    with chromium_page() as page:
        page.goto(url)
        page.get_by_test_id("stChatInputTextArea").wait_for(timeout=60000)
        ask_in_browser(page, questions[0])  # warm: the mentor is built on the first question
        samples = [ask_in_browser(page, questions[i % len(questions)]) for i in range(rounds)]
    return {"p50_s": round(statistics.median(samples), 3), "max_s": round(max(samples), 3), "n": len(samples)}
