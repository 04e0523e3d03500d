"""An ingest killed at any point (SIGKILL, a real process) is finished exactly by the next one."""

import hashlib
import json
import os
import random
import subprocess
import sys

import pytest

from mentor.ingest import Ingestor
from mentor.sentences import SentenceIndex
from mentor.settings import PROJECT_ROOT, Settings
from mentor.state import PENDING, SqliteIngestState, open_state
from mentor.store import PassageStore
from tests.test_chroma_server import chroma_url  # noqa: F401 (fixture)

BIG_SECTIONS = 240
FRAMEWORK = PROJECT_ROOT / "corpus" / "career-framework.yaml"

# One process per trial: it finishes what the previous (killed) one left, reports what it sees, waits
# while the test changes the corpus, then starts the next ingest and is killed at a random moment.
RECOVER_THEN_DIE = """
import json, os, signal, sys, threading, time
from pathlib import Path
from mentor.ingest import Ingestor
from mentor.settings import Settings
from tests.test_ingest_kill import snapshot

folder, settings = Path(sys.argv[1]), Settings()
started = time.perf_counter()
Ingestor(settings).run([folder])
print(json.dumps({"snapshot": snapshot(settings), "seconds": time.perf_counter() - started}), flush=True)
delay = float(sys.stdin.readline())
threading.Timer(delay, lambda: os.kill(os.getpid(), signal.SIGKILL)).start()
Ingestor(settings).run([folder])
print("finished", flush=True)
os._exit(0)
"""


def snapshot(settings: Settings) -> dict:
    """Everything an ingest leaves: passages (id -> text hash), sentence ids, state rows."""
    store = PassageStore(settings)
    passages = store.collection().get(include=["documents"])
    return {"passages": {i: hashlib.sha1(d.encode()).hexdigest() for i, d in zip(passages["ids"], passages["documents"])},
            "sentences": sorted(SentenceIndex(store).collection().get(include=[])["ids"]),
            "files": {s: sha for s, (sha, _, _) in open_state(settings, store).files().items()}}


def write_corpus(folder, rng: random.Random, trial: int, first: bool = False) -> None:
    """A large file (always changed, its section count too) and small ones (some changed, added, deleted)."""
    folder.mkdir(exist_ok=True)
    sections = BIG_SECTIONS - rng.randint(0, 20)
    big = "\n\n".join(f"## Part {j}\n\nTrial {trial} notes on coaching and hiring, part {j}. "
                      f"Roadmaps matter for delivery {j}." for j in range(sections))
    (folder / "big.md").write_text(f"# Big handbook\n\n{big}\n")
    names = [f"small-{i:02d}.md" for i in range(12)]
    for name in names if first else rng.sample(names, 4):
        (folder / name).write_text(f"# {name}\n\n" + "\n\n".join(
            f"## Topic {j}\n\nTrial {trial}: strategy, reviews and career steps {j}. Another sentence." for j in range(6)))
    if not first and rng.random() < 0.3:
        (folder / rng.choice(names)).unlink(missing_ok=True)


def recover_then_die(docs, env) -> tuple[subprocess.Popen, dict]:
    proc = subprocess.Popen([sys.executable, "-c", RECOVER_THEN_DIE, str(docs)], env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = proc.stdout.readline()
    assert line, proc.stderr.read()[-2000:]
    return proc, json.loads(line)


def kill_trials(tmp_path, env: dict, kills: int, state_of) -> tuple[int, int]:
    """Kill ingests until `kills` landed; after each, the next ingest must equal a clean one."""
    rng = random.Random(20)
    docs = tmp_path / "docs"
    write_corpus(docs, rng, 0, first=True)
    proc, first = recover_then_die(docs, env)
    # A trial's ingest (the large file and a few small ones) takes about half of a first, full one.
    duration = 0.5 * first["seconds"]

    killed = inside_big = trial = 0
    while killed < kills and trial < kills + 15:  # a trial whose ingest ended before the kill does not count
        trial += 1
        write_corpus(docs, rng, trial)
        reference = Settings(index_dir=tmp_path / f"reference{trial}", embedder="fake", framework_file=FRAMEWORK)
        Ingestor(reference).run([docs])
        expected = snapshot(reference)

        proc.stdin.write(f"{rng.uniform(0.05, duration)}\n")
        proc.stdin.flush()
        out, err = proc.communicate(timeout=600)
        if proc.returncode == -9:
            killed += 1
            inside_big += state_of().get("docs/big.md", ("",))[0] == PENDING  # killed while writing it
        else:
            assert "finished" in out, err[-2000:]
            duration *= 0.7  # the ingest was quicker than the kill: aim earlier

        proc, got = recover_then_die(docs, env)
        got = got["snapshot"]
        assert got["files"] == expected["files"], f"trial {trial}"
        assert got["passages"] == expected["passages"], f"trial {trial}"
        assert got["sentences"] == expected["sentences"], f"trial {trial}"
    proc.kill()
    proc.wait()
    print(f"{killed} ingests killed in {trial} trials, {inside_big} of them inside the large file; each next ingest exact")
    return killed, inside_big


def test_twenty_kills_each_finished_exactly_by_the_next_ingest(tmp_path):
    env = {**os.environ, "MENTOR_INDEX_DIR": str(tmp_path / "index"), "MENTOR_EMBEDDER": "fake",
           "MENTOR_FRAMEWORK_FILE": str(FRAMEWORK), "PYTHONPATH": str(PROJECT_ROOT)}
    state = SqliteIngestState(tmp_path / "index" / "ingest-state.sqlite3")
    killed, inside_big = kill_trials(tmp_path, env, 20, state.files)
    assert killed == 20 and inside_big >= 3, (killed, inside_big)


@pytest.mark.server
def test_kills_against_a_chroma_server_are_finished_too(tmp_path, chroma_url):  # noqa: F811
    """No transactions there: the pending rows alone make the next ingest exact."""
    env = {**os.environ, "MENTOR_INDEX_DIR": str(tmp_path / "index"), "MENTOR_EMBEDDER": "fake",
           "MENTOR_FRAMEWORK_FILE": str(FRAMEWORK), "PYTHONPATH": str(PROJECT_ROOT), "MENTOR_CHROMA_URL": chroma_url}
    server = Settings(index_dir=tmp_path / "check", embedder="fake", chroma_url=chroma_url)
    state = open_state(server, PassageStore(server))
    killed, inside_big = kill_trials(tmp_path, env, 5, state.files)
    assert killed == 5 and inside_big >= 1, (killed, inside_big)
