"""Faults: a slow LLM, a restarted Chroma server, an index folder that cannot be written."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from mentor.core import Mentor
from mentor.settings import Settings
from tests.conftest import build_index, with_model_export

QUESTION = "What does a Lead PM do?"


class DrippingLLM(BaseHTTPRequestHandler):
    """An OpenAI-compatible server that streams one token every `gap` seconds, for a long time."""

    gap = 2.0
    tokens = 30

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"object": "list", "data": [{"id": "drip", "object": "model"}]}')

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        try:
            for i in range(self.tokens):
                chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "drip",
                         "choices": [{"index": 0, "delta": {"role": "assistant", "content": f"word{i} "},
                                      "finish_reason": None}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
                time.sleep(self.gap)
            self.wfile.write(b"data: [DONE]\n\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should

    def log_message(self, *args):
        pass


@pytest.fixture
def dripping_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), DrippingLLM)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


@pytest.fixture
def index(fake_corpus, tmp_path):
    return build_index(tmp_path / "idx", fake_corpus, embedder="fake")


def test_llm_timeout_bounds_the_whole_streamed_answer(index, dripping_url):
    m = Mentor(index.model_copy(update={"engine": "openai", "llm_model": "drip", "llm_base_url": dripping_url,
                                        "llm_timeout": 3}))
    started = time.monotonic()
    answer = m.ask(QUESTION)
    took = time.monotonic() - started
    assert took < 6, f"one answer took {took:.1f} s with a 3 s timeout"  # 30 tokens x 2 s = 60 s unbounded
    assert not answer.abstained and answer.citations  # the grounded answer, in time
    assert any("did not answer in 3 s" in note for note in answer.notes), answer.notes
    assert "did not answer in 3 s" in answer.answer


def test_within_cuts_a_generator_that_stalls():
    from mentor.engines.llm import within
    from mentor.errors import EngineUnavailableError

    def slow():
        yield "a"
        time.sleep(5)
        yield "b"

    got, started = [], time.monotonic()
    with pytest.raises(EngineUnavailableError, match="too slow"):
        for piece in within(0.5, slow(), "too slow"):
            got.append(piece)
    assert got == ["a"] and time.monotonic() - started < 1.5
    assert list(within(2, iter(["x", "y"]), "never")) == ["x", "y"]


def _cli(*args, env):
    return subprocess.run([sys.executable, "-m", "mentor.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120)


def test_json_names_the_engine_that_answered_and_the_notes(index, dripping_url):
    env = {"MENTOR_INDEX_DIR": str(index.index_dir), "MENTOR_CORPUS_DIR": str(index.corpus_dir),
           "MENTOR_EMBEDDER": "fake", "MENTOR_ENGINE": "openai", "MENTOR_LLM_MODEL": "drip",
           "MENTOR_LLM_BASE_URL": dripping_url, "MENTOR_LLM_TIMEOUT": "3"}
    result = _cli("ask", QUESTION, "--json", env=env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert any("did not answer in 3 s" in n for n in data["notes"])
    assert data["engine"] == "grounded"


# ---- a Chroma server restarted mid-conversation ----------------------------------------

def _start_chroma(data: Path, port: int) -> subprocess.Popen:
    from mentor.bench_ui import wait_for_http

    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    if not Path(chroma).exists():
        pytest.skip("the chroma command is not installed")
    proc = subprocess.Popen([chroma, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not wait_for_http(f"http://127.0.0.1:{port}/api/v2/heartbeat", proc, 60):
        proc.kill()
        pytest.fail("chroma run did not start")
    return proc


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.mark.server
def test_chroma_server_restarted_mid_conversation(fake_corpus, tmp_path, seed_index):
    from mentor.bench_ui import free_port
    from mentor.ingest import Ingestor

    port = free_port()
    proc = _start_chroma(tmp_path / "server-data", port)
    try:
        settings = Settings(index_dir=with_model_export(seed_index, tmp_path / "state"), corpus_dir=fake_corpus,
                            chroma_url=f"http://127.0.0.1:{port}")
        Ingestor(settings).run([fake_corpus])
        mentor = Mentor(settings)
        first = mentor.ask(QUESTION, session="s1")
        assert first.citations and not first.abstained
        _stop(proc)
        proc = _start_chroma(tmp_path / "server-data", port)
        again = mentor.ask("What does a Head of Product do?", session="s1")
        assert again.citations and not again.abstained
        assert len(mentor.history.turns("s1")) == 2
    finally:
        _stop(proc)


# ---- an index folder that cannot be written ---------------------------------------------

def _as_nobody() -> list[str]:
    """A prefix that runs a command as an unprivileged user: root writes through any mode bits."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("setpriv is not installed")
    prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    # A checkout in a folder only its owner may enter (mktemp -d, a private home) cannot be run by anyone else.
    if subprocess.run([*prefix, sys.executable, "-c", "import mentor.cli"], capture_output=True).returncode != 0:
        pytest.skip("an unprivileged user cannot read this checkout (a folder on its path is private)")
    return prefix


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def shared_folder():
    """A folder an unprivileged user can read (pytest's own tmp folders are the owner's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="mentor-ro-"))
    folder.chmod(0o755)
    yield folder
    for p in [folder, *folder.rglob("*")]:
        if p.is_dir():
            p.chmod(0o755)
    shutil.rmtree(folder)


def test_read_only_index_folder_is_a_clear_error_and_nothing_changes(shared_folder):
    from tests.conftest import SEED_CORPUS

    corpus = shared_folder / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    settings = build_index(shared_folder / "idx", corpus, embedder="fake")
    (corpus / "extra.md").write_text("# Extra\n\nA Lead PM runs a weekly review with every report.\n")
    for p in [shared_folder, *shared_folder.rglob("*")]:  # readable by anyone, writable by the owner only
        p.chmod(0o755 if p.is_dir() else 0o644)
    for p in [settings.index_dir, *settings.index_dir.rglob("*")]:
        p.chmod(0o555 if p.is_dir() else 0o444)
    before = _tree(settings.index_dir)
    env = {**os.environ, "MENTOR_INDEX_DIR": str(settings.index_dir), "MENTOR_CORPUS_DIR": str(corpus),
           "MENTOR_EMBEDDER": "fake", "HOME": str(shared_folder)}
    for args in (["ingest"], ["ask", QUESTION, "--session", "me"]):
        result = subprocess.run([*_as_nobody(), sys.executable, "-m", "mentor.cli", *args], capture_output=True,
                                text=True, env=env, timeout=120, cwd=shared_folder)
        assert result.returncode != 0, (args, result.stdout)
        assert "Traceback" not in result.stderr, result.stderr
        lines = [x for x in result.stderr.splitlines() if x.strip()]
        assert len(lines) == 1 and lines[0].startswith("Error:"), result.stderr
        assert "write" in lines[0].lower() or "read-only" in lines[0].lower(), lines[0]
    assert _tree(settings.index_dir) == before


@pytest.fixture
def small_disk():
    """A 6 MB tmpfs, grown later by remounting: a disk that fills up (mounting needs root; skipped where it is not allowed)."""
    folder = Path(tempfile.mkdtemp(prefix="mentor-full-"))
    mounted = os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(folder)], capture_output=True).returncode == 0
    if not mounted:
        folder.rmdir()
        pytest.skip("mounting a small tmpfs needs root")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)
    shutil.rmtree(folder, ignore_errors=True)


def _stored(settings: Settings) -> tuple[int, int]:
    """(passages in Chroma, passages the ingest state owns): equal when nothing is half-written."""
    from mentor.state import open_state
    from mentor.store import PassageStore

    store = PassageStore(settings)
    owned = sum(len(ids) for _, ids, _ in open_state(settings, store).files().values())
    return store.count(), owned


def test_full_index_disk_is_a_clear_error_and_the_next_ingest_ends_exact(small_disk, fake_corpus, tmp_path):
    corpus = fake_corpus  # the test's own copy
    index_dir = small_disk / "index"
    env = {**os.environ, "MENTOR_INDEX_DIR": str(index_dir), "MENTOR_CORPUS_DIR": str(corpus),
           "MENTOR_EMBEDDER": "fake"}
    assert _cli("ingest", env=env).returncode == 0
    settings = Settings(index_dir=index_dir, corpus_dir=corpus, embedder="fake")
    before = _stored(settings)
    # Varied text, so neither the store nor SQLite can compress it away: more than the disk holds.
    words = [f"w{i:05d}" for i in range(20000)]
    (corpus / "huge.md").write_text("\n\n".join(
        f"## Part {p}\n\n" + " ".join(words[(p * 37 + k) % len(words)] for k in range(400)) for p in range(900)))

    result = _cli("ingest", env=env)
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    lines = [x for x in result.stderr.splitlines() if x.strip() and x.startswith("Error:")]
    assert len(lines) == 1 and "full" in lines[0], result.stderr[-2000:]

    # Room again: the next ingest finishes what the failed one left half-done and ends exact.
    subprocess.run(["mount", "-o", "remount,size=256m", str(small_disk)], check=True)
    result = _cli("ingest", env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    stored, owned = _stored(settings)
    assert stored == owned > before[0]
    (corpus / "huge.md").unlink()
    assert _cli("ingest", env=env).returncode == 0
    assert _stored(settings) == before
    answered = _cli("ask", QUESTION, "--json", env=env)
    assert answered.returncode == 0, answered.stderr[-2000:]
    assert json.loads(answered.stdout)["citations"]


def test_read_only_mount_is_one_sentence_in_the_app_and_nothing_changes(small_disk, fake_corpus, monkeypatch):
    """A read-only filesystem stops even root: the app says so in the page, with no traceback."""
    from streamlit.testing.v1 import AppTest

    index_dir = small_disk / "index"
    env = {"MENTOR_INDEX_DIR": str(index_dir), "MENTOR_CORPUS_DIR": str(fake_corpus), "MENTOR_EMBEDDER": "fake"}
    assert _cli("ingest", env=env).returncode == 0  # another process: no file of the mount left open here
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    before = _tree(index_dir)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    import streamlit as st

    st.cache_resource.clear()
    at = AppTest.from_file(str(Path(__file__).parents[1] / "ui" / "app.py"), default_timeout=60)
    at.run()
    if not at.exception and at.chat_input:
        at.chat_input[0].set_value(QUESTION).run()
    assert not at.exception, at.exception
    messages = " ".join(e.value for e in at.error)
    assert "read-only" in messages, messages
    assert _tree(index_dir) == before
