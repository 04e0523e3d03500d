"""Conversations survive the process: two separate `mentor ask --session` runs."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import build_index

pytestmark = pytest.mark.model


def run_ask(env, *args):
    out = subprocess.run([sys.executable, "-m", "mentor.cli", "ask", *args, "--json"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_session_resumes_across_processes(seed_index, tmp_path):
    env = {**os.environ, "MENTOR_INDEX_DIR": str(seed_index.index_dir),
           "MENTOR_HISTORY_URL": f"sqlite:///{tmp_path / 'conv.sqlite3'}"}
    first = run_ask(env, "I'm a senior PM and I want to be a director.", "--session", "s1")
    assert first["level"] == "Senior Product Manager"
    assert first["target"] == "Director/Group Product Manager"
    second = run_ask(env, "How do I get there?", "--session", "s1")
    assert second["level"] == "Senior Product Manager" and second["session"] == "s1"
    assert "Lead Product Manager" in second["answer"] and second["citations"]


def test_stored_citations_resolve_after_reingest(tmp_path, fake_corpus):
    from mentor.core import Mentor
    from mentor.ingest import Ingestor
    from mentor.store import PassageStore

    settings = build_index(tmp_path / "idx", fake_corpus)
    m = Mentor(settings)
    a = m.ask("How many direct reports does a Lead PM have?", session="keep")
    Ingestor(settings).run([fake_corpus], rebuild=True)
    stored = Mentor(settings).history.turns("keep")[0]["answer"]
    ids = [c.chunk_id for c in stored.citations]
    assert ids == [c.chunk_id for c in a.citations]
    found = PassageStore(settings).get(ids)
    assert set(found) == set(ids)
