"""Incremental indexing: unchanged files skipped, changed ones replaced, deleted ones removed.

Why not LangChain's ``index()`` with a record manager: it keys vectors by a hash
of each chunk's content, while citations here are keyed by a stable chunk id
(source + section + position) that must keep resolving across re-ingests. It
also re-reads and re-hashes every chunk of unchanged files. Keeping one
content hash per *file* gives the same guarantees (no duplicates, cleanup of
changed and deleted files) with ids we choose, and skips unchanged files before
they are even parsed.

Crash safety: a file's state row is written only after its passages are in the
store and its stale passages are gone, so an interrupted run simply redoes the
files it had not finished; upserts by stable id make the redo idempotent.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from mentor.documents import UnreadableFile, chunk_source, iter_files, read_source, searchable_text, source_name
from mentor.embeddings import embedder_identity, make_embedder
from mentor.errors import InputError
from mentor.framework import Framework, load_framework
from mentor.settings import Settings
from mentor.sentences import SentenceIndex, voice_classifier
from mentor.store import PassageStore

EMBED_BATCH = 128

Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    passages: int = 0  # passages written in this run
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.removed} removed, "
            f"{self.unchanged} unchanged ({self.passages} passages embedded in {self.seconds:.1f}s)"
        )


class IngestState:
    """Which files are in the index, with their content hash and chunk ids."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with closing(self._connect()) as db, db:
            db.execute("CREATE TABLE IF NOT EXISTS files (source TEXT PRIMARY KEY, sha256 TEXT, chunk_ids TEXT, ingested_at REAL, path TEXT)")
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            columns = {row[1] for row in db.execute("PRAGMA table_info(files)")}
            if "path" not in columns:  # state written before paths were kept
                db.execute("ALTER TABLE files ADD COLUMN path TEXT")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def files(self) -> dict[str, tuple[str, list[str], Path]]:
        """source -> (content hash, chunk ids, absolute path)."""
        with closing(self._connect()) as db:
            rows = db.execute("SELECT source, sha256, chunk_ids, path FROM files").fetchall()
        return {source: (sha, json.loads(ids), Path(path or source)) for source, sha, ids, path in rows}

    def record(self, source: str, sha256: str, chunk_ids: list[str], path: Path) -> None:
        with closing(self._connect()) as db, db:
            db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)",
                       (source, sha256, json.dumps(chunk_ids), time.time(), str(path.resolve())))

    def forget(self, source: str) -> None:
        with closing(self._connect()) as db, db:
            db.execute("DELETE FROM files WHERE source = ?", (source,))

    def clear(self) -> None:
        with closing(self._connect()) as db, db:
            db.execute("DELETE FROM files")
            db.execute("DELETE FROM meta")

    def get(self, key: str, default: str | None = None) -> str | None:
        with closing(self._connect()) as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set(self, key: str, value: str) -> None:
        with closing(self._connect()) as db, db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    @property
    def generation(self) -> int:
        return int(self.get("generation", "0") or 0)

    def bump_generation(self) -> None:
        self.set("generation", str(self.generation + 1))
        self.set("last_ingest", str(time.time()))


def _is_within(path: Path, folders: list[Path], files: list[Path]) -> bool:
    path = path.resolve()
    return any(path == f.resolve() for f in files) or any(path.is_relative_to(d.resolve()) for d in folders)


class Ingestor:
    def __init__(self, settings: Settings, framework: Framework | None = None, store: PassageStore | None = None):
        self.settings = settings
        self.framework = framework or load_framework(settings.framework_path)
        self.store = store or PassageStore(settings)
        self.state = IngestState(settings.state_path)
        self._embedder = None
        self.sentences = SentenceIndex(self.store)

    @property
    def embedder(self):
        if self._embedder is None:  # loading a model costs seconds: only when there is work
            if self.settings.embedder == "auto":
                from mentor.onnx_embeddings import OnnxEmbeddings

                try:
                    self._embedder = OnnxEmbeddings.for_model(self.settings.embedding_model, self.settings.index_dir / "onnx")
                except Exception:  # any export failure: the reference path still works
                    self._embedder = None
            if self._embedder is None:
                self._embedder = make_embedder(self.settings.model_copy(update={"embedder": "sentence-transformers"})
                                               if self.settings.embedder == "auto" else self.settings)
        return self._embedder

    @cached_property
    def voices(self):
        """Marks the author's asides at ingest; built only when a file needs embedding."""
        return voice_classifier(self.embedder, embedder_identity(self.settings), self.settings.index_dir / "prototypes")

    def run(self, paths: list[Path] | None = None, rebuild: bool = False, progress: Progress | None = None) -> IngestReport:
        started = time.perf_counter()
        paths = paths or [self.settings.corpus_dir]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise InputError(f"No such file or folder: {', '.join(missing)}.")
        report = IngestReport()
        identity = embedder_identity(self.settings)
        if rebuild or (self.state.files() and self.state.get("embedder") not in (None, identity)):
            if not rebuild:
                report.notes.append("The embedding model changed, so every document is embedded again.")
            self.store.drop()
            self.sentences.drop()
            self.state.clear()
        self.state.set("embedder", identity)
        self.store.collection(create=True)
        # Chunks carry the levels the framework names: a new framework or ladder re-chunks every file.
        from mentor.ladders import LadderFrameworks, ladders_fingerprint

        frameworks = LadderFrameworks(self.settings, self.framework)
        framework_hash = ladders_fingerprint(self.settings)
        reframed = self.state.get("framework") not in (None, framework_hash)
        if reframed:
            report.notes.append("The career framework changed, or a ladder did, so every document is chunked again.")
        elif self.state.files() and self.sentences.collection().count() == 0:
            reframed = True  # an index written before sentences were stored
            report.notes.append("The index predates per-sentence vectors, so every document is embedded again.")

        files, folders = iter_files(paths)
        known = self.state.files()
        todo, seen = [], set()
        for path in files:
            try:
                doc = read_source(path)
            except UnreadableFile as exc:
                report.skipped.append(str(exc))
                seen.add(source_name(path))  # keep what an unreadable file had: never lose stored data
                continue
            seen.add(doc.source)
            if not reframed and known.get(doc.source, ("",))[0] == doc.sha256:
                report.unchanged += 1
            else:
                todo.append(doc)
                report.notes.extend(f"{doc.source}: {problem}." for problem in doc.problems)

        gone = [s for s, (_, _, path) in known.items() if s not in seen and not path.exists()
                and _is_within(path, folders, files)]

        chunked = [(doc, chunk_source(doc, frameworks.for_document(doc.source, doc.path))) for doc in todo]
        total = sum(len(chunks) for _, chunks in chunked)
        done = 0
        for doc, chunks in chunked:
            ids = [c.id for c in chunks]
            for i in range(0, len(chunks), EMBED_BATCH):
                batch = chunks[i:i + EMBED_BATCH]
                vectors = self.embedder.embed_documents([searchable_text(c) for c in batch])
                self.store.upsert([c.id for c in batch], vectors, [c.page_content for c in batch],
                                  [c.metadata for c in batch])
                done += len(batch)
                if progress:
                    progress("embedding", done, total)
            stale = sorted(set(self.store.ids_for_source(doc.source)) - set(ids))
            self.store.delete(stale)
            self.sentences.write(chunks, self.embedder, self.voices)
            self.state.record(doc.source, doc.sha256, ids, doc.path)
            report.passages += len(ids)
            if doc.source in known:
                report.updated += 1
            else:
                report.added += 1

        for source in gone:
            self.store.delete(self.store.ids_for_source(source))
            self.sentences.delete_source(source)
            self.state.forget(source)
            report.removed += 1

        self.state.set("framework", framework_hash)
        if report.changed or rebuild:
            self.state.bump_generation()
        from mentor.keywords import KeywordIndex

        KeywordIndex(self.settings, self.store, self.state).ensure_fresh()
        report.seconds = time.perf_counter() - started
        return report
