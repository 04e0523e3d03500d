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
    assert r.updated == 1 and "framework changed" in r.notes[0]
    assert PassageStore(s).get(["docs/a#staff:0"])["docs/a#staff:0"][1]["levels"] == "|principal-pm|"
