import pytest

from mentor.errors import InputError
from mentor.ingest import Ingestor
from mentor.settings import PROJECT_ROOT, Settings
from mentor.store import PassageStore


def settings_for(tmp_path):
    return Settings(index_dir=tmp_path / "index", corpus_dir=tmp_path / "docs", embedder="fake",
                    framework_file=PROJECT_ROOT / "corpus" / "career-framework.yaml")


def write(folder, name, sections):
    folder.mkdir(exist_ok=True)
    body = "\n\n".join(f"## {title}\n\n{text}" for title, text in sections)
    (folder / name).write_text(f"# Doc {name}\n\n{body}\n")


def all_ids(settings):
    return sorted(PassageStore(settings).collection().get(include=[])["ids"])


def test_add_modify_delete_and_reingest(tmp_path):
    s = settings_for(tmp_path)
    docs = s.corpus_dir
    write(docs, "a.md", [("Alpha", "Alpha passage about hiring well and coaching people."),
                         ("Beta", "Beta passage about roadmaps and strategy work.")])
    write(docs, "b.md", [("Gamma", "Gamma passage about people management and growth.")])
    r = Ingestor(s).run([docs])
    assert (r.added, r.updated, r.removed, r.unchanged) == (2, 0, 0, 0)
    assert len(all_ids(s)) == 3

    for _ in range(2):
        r = Ingestor(s).run([docs])
        assert (r.added, r.updated, r.removed, r.unchanged) == (0, 0, 0, 2)
        assert len(all_ids(s)) == 3

    write(docs, "a.md", [("Alpha", "Alpha passage, now rewritten to talk about operational excellence.")])
    r = Ingestor(s).run([docs])
    assert (r.added, r.updated, r.removed, r.unchanged) == (0, 1, 0, 1)
    ids = all_ids(s)
    assert len(ids) == 2 and not any("beta" in i for i in ids)
    got = PassageStore(s).get(["docs/a#alpha:0"])
    assert "operational excellence" in got["docs/a#alpha:0"][0]

    (docs / "b.md").unlink()
    r = Ingestor(s).run([docs])
    assert (r.added, r.updated, r.removed, r.unchanged) == (0, 0, 1, 1)
    assert all_ids(s) == ["docs/a#alpha:0"]


def test_ingesting_one_file_keeps_the_others(tmp_path):
    s = settings_for(tmp_path)
    write(s.corpus_dir, "a.md", [("Alpha", "Alpha passage about hiring well and coaching people.")])
    write(s.corpus_dir, "b.md", [("Gamma", "Gamma passage about people management and growth.")])
    Ingestor(s).run([s.corpus_dir])
    r = Ingestor(s).run([s.corpus_dir / "a.md"])
    assert (r.removed, r.unchanged) == (0, 1)
    assert len(all_ids(s)) == 2


def test_bad_files_are_named_and_skipped(tmp_path):
    s = settings_for(tmp_path)
    docs = s.corpus_dir
    write(docs, "good.md", [("Alpha", "Alpha passage about hiring well and coaching people.")])
    (docs / "empty.md").write_text("   \n")
    (docs / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    (docs / "latin1.txt").write_bytes("caf\xe9 au lait".encode("latin-1"))
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    r = Ingestor(s).run([docs])
    assert r.added == 1
    assert len(r.skipped) == 4
    assert any("empty.md: is empty" in x for x in r.skipped)
    assert any("binary.txt: looks binary" in x for x in r.skipped)
    assert any("latin1.txt: is not valid UTF-8" in x for x in r.skipped)
    assert any("broken.pdf: is not a readable PDF" in x for x in r.skipped)


def test_html_and_text_are_searchable(tmp_path):
    s = settings_for(tmp_path)
    s.corpus_dir.mkdir()
    (s.corpus_dir / "ladder.html").write_text(
        "<html><body><h1>Acme ladder</h1><h2>Staff PM</h2><p>Staff PMs own a whole portfolio.</p>"
        "<script>alert(1)</script></body></html>")
    (s.corpus_dir / "notes.txt").write_text("My notes: ask for a sponsor before the promotion cycle.")
    Ingestor(s).run([s.corpus_dir])
    texts = {doc for doc, _ in PassageStore(s).get(all_ids(s)).values()}
    assert "Staff PMs own a whole portfolio." in texts
    assert not any("alert" in t for t in texts)
    assert any("sponsor" in t for t in texts)


def test_missing_path_is_one_clear_error(tmp_path):
    s = settings_for(tmp_path)
    with pytest.raises(InputError, match="No such file or folder"):
        Ingestor(s).run([tmp_path / "nope"])


def test_interrupted_ingest_converges(tmp_path, monkeypatch):
    s = settings_for(tmp_path)
    docs = s.corpus_dir
    for i in range(3):
        write(docs, f"d{i}.md", [(f"S{i}", f"Passage {i} about coaching, hiring and strategy."),
                                 (f"T{i}", f"Second passage {i} about roadmaps.")])
    clean = settings_for(tmp_path / "clean")
    clean_docs = docs  # same files, separate index
    Ingestor(clean).run([clean_docs])

    calls = {"n": 0}
    real_upsert = PassageStore.upsert

    def dying_upsert(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real_upsert(self, *args, **kwargs)

    monkeypatch.setattr(PassageStore, "upsert", dying_upsert)
    with pytest.raises(KeyboardInterrupt):
        Ingestor(s).run([docs])
    monkeypatch.setattr(PassageStore, "upsert", real_upsert)
    r = Ingestor(s).run([docs])
    assert r.added == 2 and r.unchanged == 1
    assert all_ids(s) == all_ids(clean)


def test_rebuild_starts_clean(tmp_path):
    s = settings_for(tmp_path)
    write(s.corpus_dir, "a.md", [("Alpha", "Alpha passage about hiring well and coaching people.")])
    Ingestor(s).run([s.corpus_dir])
    r = Ingestor(s).run([s.corpus_dir], rebuild=True)
    assert r.added == 1 and all_ids(s) == ["docs/a#alpha:0"]


def test_state_from_an_older_version_is_migrated(tmp_path):
    import sqlite3

    s = settings_for(tmp_path)
    s.index_dir.mkdir(parents=True)
    db = sqlite3.connect(s.state_path)
    db.execute("CREATE TABLE files (source TEXT PRIMARY KEY, sha256 TEXT, chunk_ids TEXT, ingested_at REAL)")
    db.commit()
    db.close()
    write(s.corpus_dir, "a.md", [("Alpha", "Alpha passage about hiring well and coaching people.")])
    r = Ingestor(s).run([s.corpus_dir])
    assert r.added == 1


def test_a_changed_framework_rechunks(tmp_path):
    import shutil

    fw = tmp_path / "fw.yaml"
    shutil.copy(PROJECT_ROOT / "corpus" / "career-framework.yaml", fw)
    s = settings_for(tmp_path).model_copy(update={"framework_file": fw})
    write(s.corpus_dir, "a.md", [("Staff", "Staff people own a portfolio of products.")])
    Ingestor(s).run([s.corpus_dir])
    assert PassageStore(s).get(["docs/a#staff:0"])["docs/a#staff:0"][1]["levels"] == ""
    fw.write_text(fw.read_text().replace("aliases: [Principal PM,", "aliases: [Staff, Principal PM,"))
    r = Ingestor(s).run([s.corpus_dir])
    assert r.updated == 1 and "framework" in r.notes[0] and "changed" in r.notes[0]
    assert PassageStore(s).get(["docs/a#staff:0"])["docs/a#staff:0"][1]["levels"] == "|principal-pm|"


def _pdf_with_text(text: str) -> bytes:
    """A one-page PDF whose cross-reference offsets are wrong: pypdf recovers, complaining on the way."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>", b"", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    stream = f"BT /F1 12 Tf 72 700 Td ({text}) Tj ET".encode()
    objs[3] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 6\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % (o + 7) for o in offsets)
    out += b"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (xref + 3)
    return bytes(out)


def test_pipes_huge_files_and_library_noise_are_phrased(tmp_path, capfd):
    import os

    s = settings_for(tmp_path).model_copy(update={"max_file_mb": 0.01})
    docs = s.corpus_dir
    write(docs, "good.md", [("Alpha", "Alpha passage about hiring well and coaching people.")])
    os.mkfifo(docs / "pipe.md")
    os.mkfifo(tmp_path / "lone-pipe.md")
    (docs / "huge.md").write_text("# Huge\n\n" + "word " * 5000)
    (docs / "recovered.pdf").write_bytes(_pdf_with_text("Staff PMs own a portfolio of products."))
    r = Ingestor(s).run([docs, tmp_path / "lone-pipe.md"])  # a pipe read would block forever
    assert r.added == 2
    assert any("pipe.md: not a regular file" in x for x in r.skipped)
    assert any("lone-pipe.md: not a regular file" in x for x in r.skipped)
    assert any("huge.md" in x and "MENTOR_MAX_FILE_MB" in x for x in r.skipped)
    assert any("recovered.pdf" in n and "startxref" in n for n in r.notes)
    assert "incorrect startxref" not in capfd.readouterr().err  # phrased by us, not printed by pypdf


def test_an_ingest_that_reads_nothing_fails_and_progress_shows_off_a_terminal(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from mentor.cli import app

    s = settings_for(tmp_path)
    monkeypatch.setenv("MENTOR_INDEX_DIR", str(s.index_dir))
    monkeypatch.setenv("MENTOR_EMBEDDER", "fake")
    monkeypatch.setenv("MENTOR_FRAMEWORK_FILE", str(s.framework_path))
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "binary.txt").write_bytes(b"\x00\x01binary")
    (tmp_path / "junk" / "empty.md").write_text("")
    bad = CliRunner().invoke(app, ["ingest", str(tmp_path / "junk")])
    assert bad.exit_code == 1 and "nothing usable was read" in bad.stderr and "Traceback" not in bad.output
    write(s.corpus_dir, "a.md", [(f"S{i}", f"Passage {i} about coaching and hiring.") for i in range(5)])
    good = CliRunner().invoke(app, ["ingest", str(s.corpus_dir)])
    assert good.exit_code == 0 and "embedding: 5/5 passages (100%)" in good.stderr


def test_passages_without_a_state_row_are_removed(tmp_path):
    """Left by a killed run of an older version, or by a run killed before its state row was written."""
    s = settings_for(tmp_path)
    write(s.corpus_dir, "a.md", [("Alpha", "Alpha passage about hiring well and coaching people.")])
    Ingestor(s).run([s.corpus_dir])
    PassageStore(s).upsert(["ghost#x:0"], [[0.1] * len(PassageStore(s).collection().get(
        ids=["docs/a#alpha:0"], include=["embeddings"])["embeddings"][0])], ["ghost text"], [{"source": "ghost.md"}])
    r = Ingestor(s).run([s.corpus_dir])
    assert all_ids(s) == ["docs/a#alpha:0"] and any("interrupted" in n for n in r.notes)


def test_a_file_killed_mid_write_then_deleted_leaves_nothing(tmp_path, monkeypatch):
    s = settings_for(tmp_path)
    write(s.corpus_dir, "keep.md", [("Alpha", "Alpha passage about hiring well and coaching people.")])
    write(s.corpus_dir, "big.md", [(f"S{i}", f"Passage {i} about roadmaps.") for i in range(300)])
    real_upsert = PassageStore.upsert
    calls = {"n": 0}

    def dying_upsert(self, *args, **kwargs):
        calls["n"] += 1
        real_upsert(self, *args, **kwargs)
        if calls["n"] == 2:  # inside big.md: some of its passages are in, its state row is not
            raise KeyboardInterrupt

    monkeypatch.setattr(PassageStore, "upsert", dying_upsert)
    with pytest.raises(KeyboardInterrupt):
        Ingestor(s).run([s.corpus_dir])
    monkeypatch.setattr(PassageStore, "upsert", real_upsert)
    assert any(i.startswith("docs/big#") for i in all_ids(s))
    (s.corpus_dir / "big.md").unlink()
    Ingestor(s).run([s.corpus_dir])
    assert all_ids(s) == ["docs/keep#alpha:0"]
    from mentor.sentences import SentenceIndex

    sentences = SentenceIndex(PassageStore(s)).collection().get(include=["metadatas"])["metadatas"]
    assert {m["source"] for m in sentences} == {"docs/keep.md"}


REBUILD = """
import sys
from pathlib import Path
from mentor.ingest import Ingestor
from mentor.settings import Settings
Ingestor(Settings()).run([Path(sys.argv[1])], rebuild=True)
"""


def test_a_running_mentor_carries_on_after_a_rebuild_elsewhere(tmp_path, fake_corpus):
    import os
    import subprocess
    import sys

    from mentor.core import Mentor

    s = Settings(index_dir=tmp_path / "index", corpus_dir=fake_corpus, embedder="fake")
    Ingestor(s).run([fake_corpus])
    running = Mentor(s)
    before = running.ask("How do I get from Lead PM to Director?")
    env = {**os.environ, "MENTOR_INDEX_DIR": str(s.index_dir), "MENTOR_EMBEDDER": "fake",
           "MENTOR_CORPUS_DIR": str(fake_corpus)}
    done = subprocess.run([sys.executable, "-c", REBUILD, str(fake_corpus)], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    after = running.ask("How do I get from Lead PM to Director?")  # no NotFoundError, no restart
    assert after.citations and [c.chunk_id for c in after.citations] == [c.chunk_id for c in before.citations]
