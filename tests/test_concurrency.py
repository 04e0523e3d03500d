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


def test_ten_streamlit_sessions_at_once(index, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    import streamlit as st

    monkeypatch.setenv("MENTOR_INDEX_DIR", str(index.index_dir))
    monkeypatch.setenv("MENTOR_EMBEDDER", "fake")
    monkeypatch.setenv("MENTOR_HISTORY_URL", f"sqlite:///{tmp_path / 'ui.sqlite3'}")
    st.cache_resource.clear()
    questions = ["What does a Lead PM do?", "How do I become a Director?", "What is a Principal PM?",
                 "Is a GPM the same as a Director?", "What does a Head of Product do?"]

    store = mentor_with_store(index, tmp_path / "ui.sqlite3").history

    def one_user(i: int):
        at = AppTest.from_file(str(PROJECT_ROOT / "ui" / "app.py"), default_timeout=120)
        at.session_state["session"] = at_session = store.open(f"browser-{i}")  # each visitor's own conversation
        at.run()
        at.chat_input[0].set_value(questions[i % len(questions)]).run()
        return at_session, at

    with ThreadPoolExecutor(max_workers=10) as pool:
        sessions = list(pool.map(one_user, range(10)))
    for i, (session, at) in enumerate(sessions):
        assert not at.exception, at.exception
        assert len(at.chat_message) == 2  # the user's question and the reply, nobody else's
        turns = store.turns(session)
        assert [t["question"] for t in turns] == [questions[i % len(questions)]]
        assert at.chat_message[0].text[0].value == questions[i % len(questions)]
