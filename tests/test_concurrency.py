"""Many users at once: threads sharing one Mentor, processes sharing one store, Streamlit sessions side by side."""

import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import pytest

from mentor.core import Mentor
from mentor.settings import PROJECT_ROOT
from tests.conftest import SEED_CORPUS, build_index

# A conversation per user: a stated level, a question, a follow-up that leans on both.
CONVERSATIONS = [
    ["I'm a senior PM at a startup", "How do I get promoted?", "and after that?"],
    ["What does a Lead PM do?", "How many direct reports do they have?"],
    ["Is a GPM the same as a Director?", "How do I become one?"],
    ["I just became an APM", "What should I focus on?", "What salary does a Director make?"],
    ["What is a Principal PM?", "Do they manage people?"],
]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return build_index(tmp_path_factory.mktemp("many") / "index", SEED_CORPUS, embedder="fake")


def mentor_with_store(index, path) -> Mentor:
    return Mentor(index.model_copy(update={"history_url": f"sqlite:///{path}"}))


def converse(mentor: Mentor, user: int) -> list[tuple]:
    session = f"user-{user}"
    turns = CONVERSATIONS[user % len(CONVERSATIONS)]
    out = []
    for question in turns:
        a = mentor.ask(question, session=session)
        out.append((a.answer, [c.chunk_id for c in a.citations], a.abstained, a.level, a.target))
    return out


def test_fifty_threaded_sessions_match_a_serial_run(index, tmp_path):
    users = range(50)
    serial_mentor = mentor_with_store(index, tmp_path / "serial.sqlite3")
    serial = {u: converse(serial_mentor, u) for u in users}
    shared = mentor_with_store(index, tmp_path / "threads.sqlite3")  # one Mentor, as the app shares one
    with ThreadPoolExecutor(max_workers=16) as pool:
        threaded = dict(zip(users, pool.map(lambda u: converse(shared, u), users)))
    assert threaded == serial
    for u in users:  # each conversation stored whole, in order, under its own id
        stored = [t["question"] for t in shared.history.turns(f"user-{u}")]
        assert stored == CONVERSATIONS[u % len(CONVERSATIONS)]


def test_words_unknown_to_the_sources_are_read_alike_from_many_threads():
    """The stemmer behind the unknown-word check keeps state while it works: threads must not share one."""
    from mentor.abstain import unknown_words

    vocabulary = {"hiring", "mentoring", "managers", "roadmaps", "organisation", "stakeholders", "strategy"}
    questions = [f"{verb} {noun} quickly" for verb in ("hired", "mentored", "managing", "organising", "strategising")
                 for noun in ("roadmapping", "stakeholding", "interviewers", "compensations")]
    serial = [unknown_words(q, vocabulary, {"director"}) for q in questions]
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns every few bytecodes, as they may under load
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            for _ in range(20):
                assert list(pool.map(lambda q: unknown_words(q, vocabulary, {"director"}), questions)) == serial
    finally:
        sys.setswitchinterval(switch)


WRITER = textwrap.dedent("""
    import sys
    from mentor.core import Mentor
    from mentor.settings import Settings

    index_dir, store, name, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    mentor = Mentor(Settings(index_dir=index_dir, embedder="fake", history_url=f"sqlite:///{store}"))
    for i in range(n):
        mentor.ask("What does a Lead PM do?" if i % 2 else "How do I become a Director?", session=f"{name}-{i % 5}")
""")


def test_two_writer_processes_lose_nothing(index, tmp_path):
    store = tmp_path / "shared.sqlite3"
    mentor_with_store(index, store).history.open("warm")  # the store exists before both start
    n = 40
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(index.index_dir), str(store), name, str(n)],
                                env=env, stderr=subprocess.PIPE, text=True) for name in ("a", "b")]
    for w in writers:
        _, err = w.communicate(timeout=300)
        assert w.returncode == 0, err
    history = mentor_with_store(index, store).history
    for name in ("a", "b"):
        counts = [len(history.turns(f"{name}-{k}")) for k in range(5)]
        assert counts == [n // 5] * 5, (name, counts)


@pytest.mark.browser
def test_ten_streamlit_sessions_at_once(index, tmp_path):
    """Ten browser tabs on one app ask at the same moment: each gets its own conversation and answer."""
    import shutil
    from pathlib import Path

    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    from mentor.bench_ui import chromium_page, serve_app, wait_until_idle

    if not (shutil.which("chromium") or Path("/usr/bin/chromium").exists()):
        pytest.skip("chromium is not installed (apt-get install chromium)")
    questions = ["What does a Lead PM do?", "How do I become a Director?", "What is a Principal PM?",
                 "Is a GPM the same as a Director?", "What does a Head of Product do?"]
    store = tmp_path / "ui.sqlite3"
    env = {"MENTOR_INDEX_DIR": str(index.index_dir), "MENTOR_EMBEDDER": "fake",
           "MENTOR_HISTORY_URL": f"sqlite:///{store}"}
    with serve_app(env) as url, chromium_page() as first:
        pages = [first] + [first.context.browser.new_page() for _ in range(9)]  # separate visitors
        for page in pages:
            page.goto(url)
        for page in pages:  # each app run settled first: a question typed mid-run can be lost in the rerun
            page.get_by_test_id("stChatInputTextArea").wait_for(timeout=60000)
            wait_until_idle(page, timeout_ms=60000)
        for i, page in enumerate(pages):  # all ten questions go out before any reply is awaited
            box = page.get_by_test_id("stChatInputTextArea")
            box.fill(questions[i % len(questions)])
            box.press("Enter")
        for i, page in enumerate(pages):
            try:
                page.wait_for_function(
                    """() => { const m = document.querySelectorAll('[data-testid="stChatMessage"]');
                               return m.length >= 2 && m[m.length - 1].innerText.trim().length > 20
                                      && !document.querySelector('[data-testid="stStatusWidget"]'); }""",
                    timeout=120000)
            except PlaywrightTimeout:  # say what the tab shows: an error in the app, or a lost question
                shown = page.locator('[data-testid="stChatMessage"]').all_inner_texts()
                pytest.fail(f"tab {i} had no reply after 120 s; it shows {shown}")
        shown = [[m.inner_text() for m in page.locator('[data-testid="stChatMessage"]').all()] for page in pages]
        conversations = [page.url.split("c=")[-1] for page in pages]
    history = mentor_with_store(index, store).history
    assert len(set(conversations)) == 10, conversations  # ten conversations, one per tab
    for i, (messages, conv) in enumerate(zip(shown, conversations)):
        assert len(messages) == 2, messages  # the tab's own question and reply, nobody else's
        assert messages[0].strip().endswith(questions[i % len(questions)])
        assert [t["question"] for t in history.turns(conv)] == [questions[i % len(questions)]]
