"""The real CLI, end to end, including its one-sentence errors."""

import json

import pytest
from typer.testing import CliRunner

from mentor.cli import app

runner = CliRunner()


def test_ingest_then_search_json(fake_corpus, monkeypatch):
    monkeypatch.setenv("MENTOR_EMBEDDER", "fake")
    result = runner.invoke(app, ["ingest", str(fake_corpus)])
    assert result.exit_code == 0, result.output
    assert "1 added, 0 updated, 0 removed, 0 unchanged" in result.output
    again = runner.invoke(app, ["ingest", str(fake_corpus)])
    assert "0 added, 0 updated, 0 removed, 1 unchanged" in again.output
    found = runner.invoke(app, ["search", "direct reports", "-k", "2", "--json"])
    assert found.exit_code == 0, found.output
    rows = json.loads(found.output)
    assert len(rows) == 2
    assert set(rows[0]) == {"rank", "chunk_id", "source", "section", "text", "score", "scores"}
    assert set(rows[0]["scores"]) >= {"dense", "bm25"}


@pytest.mark.parametrize("args, message", [
    (["search", "  "], "The search query is empty."),
    (["search", "x", "-k", "0"], "k must be a positive number"),
    (["ingest", "/does/not/exist"], "No such file or folder"),
    (["ask", ""], "The question is empty."),
    (["ask", "hello", "--level", "Astronaut"], "'Astronaut' is not a level"),
    (["ask", "hi", "--engine", "nope"], "Unknown engine 'nope'"),
])
def test_bad_input_is_one_sentence_and_nonzero(fake_corpus, monkeypatch, args, message):
    monkeypatch.setenv("MENTOR_EMBEDDER", "fake")
    runner.invoke(app, ["ingest", str(fake_corpus)])
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_search_before_ingest_says_how_to_build(monkeypatch):
    monkeypatch.setenv("MENTOR_EMBEDDER", "fake")
    result = runner.invoke(app, ["search", "director"])
    assert result.exit_code == 1
    assert "run 'mentor ingest' first" in result.output


def test_every_command_is_documented_in_the_readme():
    from mentor.settings import PROJECT_ROOT

    readme = (PROJECT_ROOT / "README.md").read_text()
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        assert f"mentor {name}" in readme, name


@pytest.mark.model
def test_chat_in_the_terminal(seed_index, monkeypatch, tmp_path):
    monkeypatch.setenv("MENTOR_INDEX_DIR", str(seed_index.index_dir))
    monkeypatch.setenv("MENTOR_HISTORY_URL", f"sqlite:///{tmp_path / 'conv.sqlite3'}")
    result = runner.invoke(app, ["chat", "--level", "Lead PM", "--session", "t"],
                           input="How many direct reports does a Lead PM have?\nhow do I become a director?\n\n")
    assert result.exit_code == 0, result.output
    assert "five direct reports" in result.output
    assert "hiring well" in result.output
    assert "Conversation t." in result.output


@pytest.mark.model
@pytest.mark.parametrize("width", ["24", "60", "200"])
def test_answers_wrap_and_never_crop(seed_index, monkeypatch, tmp_path, width):
    monkeypatch.setenv("MENTOR_INDEX_DIR", str(seed_index.index_dir))
    monkeypatch.setenv("MENTOR_HISTORY_URL", f"sqlite:///{tmp_path / 'conv.sqlite3'}")
    monkeypatch.setenv("COLUMNS", width)
    result = runner.invoke(app, ["ask", "principal pm vs lead pm, whats the difference?"])
    assert result.exit_code == 0, result.output
    lines = [line.rstrip() for line in result.output.splitlines()]
    assert all(len(line) <= int(width) for line in lines)
    flat = " ".join(" ".join(lines).split())
    assert "does not manage other product managers" in flat and "up to five direct reports" in flat
