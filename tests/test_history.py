"""The conversation store behind `--session`, the UI and `mentor history`: the same tests on SQLite and
PostgreSQL; schema versions; a private file; concurrent creation; logs without conversation text."""

import json
import logging
import os
import stat
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, inspect, text
from typer.testing import CliRunner

from mentor.cli import app
from mentor.core import Mentor
from mentor.errors import ConfigError, InputError
from mentor.history import SCHEMA_VERSION, History
from tests.conftest import build_index
from tests.postgres_server import fresh_database, postgres_url  # noqa: F401 (fixture)

runner = CliRunner()


@pytest.fixture(params=["sqlite", "postgresql"])
def history_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store' / 'conv.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def mentor(tmp_path, fake_corpus, history_url, monkeypatch):
    settings = build_index(tmp_path / "idx", fake_corpus).model_copy(update={"history_url": history_url})
    monkeypatch.setenv("MENTOR_INDEX_DIR", str(settings.index_dir))
    monkeypatch.setenv("MENTOR_EMBEDDER", "fake")
    monkeypatch.setenv("MENTOR_CORPUS_DIR", str(fake_corpus))
    monkeypatch.setenv("MENTOR_HISTORY_URL", history_url)
    return Mentor(settings)


def test_export_and_feedback(mentor):
    a = mentor.ask("How do I get from Lead PM to Director?", session="x")
    md = mentor.history.export_markdown("x")
    assert a.citations and "How do I get from Lead PM to Director?" in md
    assert all(c.section in md and f"[{c.n}]" in md for c in a.citations)
    turn = mentor.history.turns("x")[0]
    mentor.history.set_feedback(turn["id"], 1)
    assert mentor.history.turns("x")[0]["feedback"] == 1
    with pytest.raises(InputError):
        mentor.history.set_feedback(turn["id"], 5)
    assert mentor.history.delete("x") is True
    assert mentor.history.turns("x") == [] and mentor.history.delete("x") is False


def test_a_second_mentor_continues_the_conversation(mentor):
    mentor.ask("I'm a senior PM and I want to be a director.", session="s")
    other = Mentor(mentor.settings)
    assert None not in other.history.profile("s")
    follow = other.ask("How do I get there?", session="s")
    assert follow.level == "Senior Product Manager" and follow.target == "Director/Group Product Manager"
    assert len(other.history.turns("s")) == 2


def test_history_commands(mentor):
    mentor.ask("How do I get from Lead PM to Director?", session="talk1")
    listed = runner.invoke(app, ["history", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    assert [r["id"] for r in json.loads(listed.stdout)] == ["talk1"]
    shown = runner.invoke(app, ["history", "show", "talk1"])
    assert shown.exit_code == 0 and "Lead PM to Director" in shown.stdout
    exported = json.loads(runner.invoke(app, ["history", "export", "talk1", "--format", "json"]).stdout)
    assert exported["turns"][0]["answer"]["citations"] and exported["id"] == "talk1"
    md = runner.invoke(app, ["history", "export", "talk1"]).stdout
    assert md.startswith("# How do I get from Lead PM to Director?")
    bad = runner.invoke(app, ["history", "export", "talk1", "--format", "pdf"])
    assert bad.exit_code == 1 and "md or json" in bad.stderr
    assert runner.invoke(app, ["history", "delete", "talk1"]).exit_code == 0
    gone = runner.invoke(app, ["history", "delete", "talk1"])
    assert gone.exit_code == 1 and "no conversation 'talk1'" in gone.stderr
    assert json.loads(runner.invoke(app, ["history", "list", "--json"]).stdout) == []


def _version_one_store(url: str) -> None:
    """The schema as it was before the version table: two tables, no index on updated_at."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE conversations (id VARCHAR(64) PRIMARY KEY, title VARCHAR(200) NOT NULL, "
                          "level VARCHAR(64), target VARCHAR(64), created_at TIMESTAMP NOT NULL, "
                          "updated_at TIMESTAMP NOT NULL)"))
        conn.execute(text("CREATE TABLE turns (id INTEGER PRIMARY KEY, conversation_id VARCHAR(64) NOT NULL "
                          "REFERENCES conversations(id) ON DELETE CASCADE, question TEXT NOT NULL, "
                          "answer_json TEXT NOT NULL, intent VARCHAR(32), goal VARCHAR(64), "
                          "levels VARCHAR(400) NOT NULL, feedback INTEGER, created_at TIMESTAMP NOT NULL)"))
        conn.execute(text("INSERT INTO conversations VALUES ('old', 'Kept', 'pm', NULL, "
                          "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
    engine.dispose()


def test_an_old_store_is_migrated_on_start_and_keeps_its_data(history_url):
    if history_url.startswith("sqlite"):
        History(history_url).engine.dispose()  # the private file and folder, then start over inside it
        os.remove(history_url.removeprefix("sqlite:///"))
    _version_one_store(history_url)
    history = History(history_url)
    with history.engine.connect() as conn:
        assert conn.execute(text("SELECT version FROM schema_version")).scalar() == SCHEMA_VERSION
        indexes = {i["name"] for i in inspect(conn).get_indexes("conversations")}
    assert "ix_conversations_updated_at" in indexes
    assert history.profile("old") == ("pm", None)
    with history.engine.begin() as conn:
        conn.execute(text("UPDATE schema_version SET version = :v"), {"v": SCHEMA_VERSION + 1})
    with pytest.raises(ConfigError, match="newer than this mentor"):
        History(history_url)


def test_the_sqlite_store_is_private(tmp_path):
    path = tmp_path / "private" / "conversations.sqlite3"
    History(f"sqlite:///{path}").open("s")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not path.parent.stat().st_mode & (stat.S_IWOTH | stat.S_IWGRP)
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    with pytest.raises(ConfigError, match="writable by every user"):
        History(f"sqlite:///{shared / 'conv.sqlite3'}")


def test_a_bad_url_is_one_sentence():
    with pytest.raises(ConfigError, match="MENTOR_HISTORY_URL"):
        History("not a url")
    result = runner.invoke(app, ["history", "list"], env={"MENTOR_HISTORY_URL": "postgresql+psycopg://u@127.0.0.1:1/db"})
    assert result.exit_code == 1
    assert "127.0.0.1:1" in result.stderr and "MENTOR_HISTORY_URL" in result.stderr and "Traceback" not in result.output


CREATE_AT_ONCE = """
import sys, time
from mentor.history import History
start, urls = float(sys.argv[1]), sys.argv[2:]
for i, url in enumerate(urls):
    while time.time() < start + 0.4 * i:
        time.sleep(0.001)
    History(url).open(f"same-{i}")  # one new conversation, from every process
print("ok")
"""


def _create_at_once(urls: list[str], processes: int = 3) -> None:
    start = time.time() + 4  # time for every interpreter to import before the first round
    procs = [subprocess.Popen([sys.executable, "-c", CREATE_AT_ONCE, str(start), *urls],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(processes)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0 and out.strip() == "ok", err[-2000:]
    for url in urls:
        history = History(url)
        with history.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM schema_version")).scalar() == 1


def test_processes_creating_one_new_sqlite_store_at_once_all_work(tmp_path):
    _create_at_once([f"sqlite:///{tmp_path / f'round{i}' / 'conv.sqlite3'}" for i in range(12)])


def test_processes_creating_one_new_postgres_store_at_once_all_work(postgres_url):  # noqa: F811
    server = postgres_url.rsplit("/", 1)[0] + "/postgres"
    made = [fresh_database(server) for _ in range(6)]
    try:
        _create_at_once([url for url, _ in made])
    finally:
        for _, drop in made:
            drop()


def test_logs_carry_no_conversation_text_unless_debug(mentor, caplog):
    question = "How do I get from Lead PM to Director?"
    with caplog.at_level(logging.DEBUG, logger="mentor"):
        mentor.ask(question, session="quiet")
    assert "turn" in caplog.text and "quiet" in caplog.text
    assert "Lead PM to Director" not in caplog.text
    caplog.clear()
    loud = Mentor(mentor.settings.model_copy(update={"debug": True}))
    with caplog.at_level(logging.DEBUG, logger="mentor"):
        loud.ask(question, session="loud")
    assert question in caplog.text
