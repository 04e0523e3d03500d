"""Several processes on one Chroma server (and one PostgreSQL): shared ingest state, keywords and
conversations, with real processes."""

import json
import os
import subprocess
import sys

import pytest

from mentor.core import Mentor
from mentor.ingest import Ingestor
from mentor.sentences import SentenceIndex
from mentor.settings import Settings
from mentor.state import open_state
from mentor.store import PassageStore
from tests.postgres_server import postgres_url  # noqa: F401 (fixture)
from tests.test_chroma_server import chroma_url  # noqa: F401 (fixture)

pytestmark = pytest.mark.server


def replica_env(chroma: str, corpus, index_dir, **extra) -> dict:
    """What each replica has of its own: only a local cache folder."""
    return {**os.environ, "MENTOR_CHROMA_URL": chroma, "MENTOR_EMBEDDER": "fake", "MENTOR_CORPUS_DIR": str(corpus),
            "MENTOR_INDEX_DIR": str(index_dir), "ANONYMIZED_TELEMETRY": "False", **extra}


def snapshot(settings: Settings) -> dict:
    store = PassageStore(settings)
    passages = store.collection().get(include=["documents"])
    sentences = SentenceIndex(store).collection().get(include=[])["ids"]
    return {"passages": dict(zip(passages["ids"], passages["documents"])), "sentences": sorted(sentences),
            "files": {s: sha for s, (sha, _, _) in open_state(settings, store).files().items()}}


def many_files(folder, n: int = 24):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        sections = "\n\n".join(f"## Topic {i}-{j}\n\nNotes {i}-{j} about coaching, hiring, roadmaps and "
                               f"strategy reviews for product teams. Second sentence {j} on delivery."
                               for j in range(8))
        (folder / f"notes-{i:02d}.md").write_text(f"# Notes {i}\n\n{sections}\n")


def test_two_ingests_of_one_folder_at_once_end_exact(chroma_url, fake_corpus, tmp_path):  # noqa: F811
    many_files(fake_corpus / "notes")
    reference = Settings(index_dir=tmp_path / "reference", corpus_dir=fake_corpus, embedder="fake")
    Ingestor(reference).run([fake_corpus])
    expected = snapshot(reference)

    procs = [subprocess.Popen([sys.executable, "-m", "mentor.cli", "ingest", str(fake_corpus)],
                              env=replica_env(chroma_url, fake_corpus, tmp_path / f"replica{i}"),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(2)]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-2000:]

    server = Settings(index_dir=tmp_path / "check", corpus_dir=fake_corpus, embedder="fake", chroma_url=chroma_url)
    got = snapshot(server)
    assert got["passages"] == expected["passages"]  # same ids, same text: no duplicate, none missing
    assert PassageStore(server).count() == len(expected["passages"])
    assert got["sentences"] == expected["sentences"]
    assert got["files"] == expected["files"]
    again = Ingestor(server).run([fake_corpus])
    assert not again.changed and again.unchanged == len(expected["files"])


def test_a_running_replica_sees_another_replicas_ingest(chroma_url, fake_corpus, tmp_path):  # noqa: F811
    settings = Settings(index_dir=tmp_path / "replica-a", corpus_dir=fake_corpus, embedder="fake", chroma_url=chroma_url)
    Ingestor(settings).run([fake_corpus])
    running = Mentor(settings)
    assert all("zanzibar" not in p.text for p in running.search("zanzibar quokka onboarding", k=3))

    (fake_corpus / "new.md").write_text("# Onboarding\n\n## Zanzibar\n\nThe zanzibar quokka onboarding "
                                        "checklist helps a new product manager in the first month.\n")
    other = subprocess.run([sys.executable, "-m", "mentor.cli", "ingest", str(fake_corpus)],
                           env=replica_env(chroma_url, fake_corpus, tmp_path / "replica-b"),
                           capture_output=True, text=True, timeout=300)
    assert other.returncode == 0 and "1 added" in other.stdout, other.stderr

    found = running.search("zanzibar quokka onboarding", k=3)  # the same object: no restart
    assert "zanzibar" in found[0].text and found[0].scores["bm25"] > 0
    fresh = Mentor(settings.model_copy(update={"index_dir": tmp_path / "replica-c"}))
    assert "zanzibar" in fresh.search("zanzibar quokka onboarding", k=1)[0].text


WORKER = """
import json, sys
from mentor import Mentor
mentor = Mentor.from_settings()
for line in sys.stdin:
    cmd = json.loads(line)
    if cmd["op"] == "ask":
        reply = mentor.ask(cmd["q"], session=cmd["session"]).model_dump()
    elif cmd["op"] == "rate":
        turn = mentor.history.turns(cmd["session"])[cmd["turn"]]
        mentor.history.set_feedback(turn["id"], cmd["value"])
        reply = {"ok": True}
    else:
        reply = {"profile": mentor.history.profile(cmd["session"]),
                 "turns": [[t["question"], t["feedback"]] for t in mentor.history.turns(cmd["session"])]}
    print(json.dumps(reply), flush=True)
"""


class Replica:
    def __init__(self, env: dict):
        self.proc = subprocess.Popen([sys.executable, "-c", WORKER], env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def __call__(self, **cmd) -> dict:
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, self.proc.stderr.read()[-2000:]
        return json.loads(line)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def test_two_processes_share_one_conversation(chroma_url, postgres_url, fake_corpus, tmp_path):  # noqa: F811
    Ingestor(Settings(index_dir=tmp_path / "ingest", corpus_dir=fake_corpus, embedder="fake",
                      chroma_url=chroma_url)).run([fake_corpus])
    one, two = (Replica(replica_env(chroma_url, fake_corpus, tmp_path / f"app{i}", MENTOR_HISTORY_URL=postgres_url))
                for i in (1, 2))
    try:
        first = one(op="ask", q="I'm a senior PM and I want to be a director.", session="shared")
        assert first["level"] == "Senior Product Manager" and first["target"] == "Director/Group Product Manager"
        follow = two(op="ask", q="How do I get there?", session="shared")
        assert follow["level"] == first["level"] and follow["target"] == first["target"]
        assert "Lead Product Manager" in follow["answer"] and follow["citations"]
        assert two(op="rate", session="shared", turn=0, value=1) == {"ok": True}
        assert one(op="rate", session="shared", turn=1, value=-1) == {"ok": True}
        seen_by_one, seen_by_two = one(op="show", session="shared"), two(op="show", session="shared")
        assert seen_by_one == seen_by_two
        assert seen_by_one["turns"] == [[first["question"], 1], ["How do I get there?", -1]]
        assert None not in seen_by_one["profile"]
    finally:
        one.close()
        two.close()


def test_unreachable_servers_at_start_are_one_sentence_naming_the_setting(tmp_path, fake_corpus):
    from mentor.bench_ui import free_port

    port = free_port()
    for env, setting in (({"MENTOR_CHROMA_URL": f"http://127.0.0.1:{port}"}, "MENTOR_CHROMA_URL"),
                         ({"MENTOR_HISTORY_URL": f"postgresql+psycopg://mentor@127.0.0.1:{port}/mentor"},
                          "MENTOR_HISTORY_URL")):
        run = subprocess.run([sys.executable, "-m", "mentor.cli", "ask", "How do I become a Director?", "--session", "s"],
                             env={**os.environ, "MENTOR_EMBEDDER": "fake", "MENTOR_INDEX_DIR": str(tmp_path / "i"),
                                  "MENTOR_CORPUS_DIR": str(fake_corpus), **env},
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 1 and "Traceback" not in run.stderr
        assert setting in run.stderr and f"127.0.0.1:{port}" in run.stderr
        assert len(run.stderr.strip().splitlines()) == 1

