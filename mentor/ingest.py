"""Incremental indexing: unchanged files skipped, changed ones replaced, deleted ones removed.

Why not LangChain's ``index()`` with a record manager: it keys vectors by a hash
of each chunk's content, while citations here are keyed by a stable chunk id
(source + section + position) that must keep resolving across re-ingests. It
also re-reads and re-hashes every chunk of unchanged files. Keeping one
content hash per *file* gives the same guarantees (no duplicates, cleanup of
changed and deleted files) with ids we choose, and skips unchanged files before
they are even parsed.

Crash safety (see mentor/state.py): a file's state row is marked pending before
any of its passages or sentences is written, and gets its hash only after all are
in and its stale ones are gone. A killed run therefore leaves rows whose hash
matches no file: the next run redoes those files, or removes their passages when
the file is gone. Passages of a source with no row at all are removed at the
start of each run. Upserts by stable id make every redo idempotent, also when two
processes ingest the same folder at once.

A rebuild empties the collections in place instead of dropping them, so running
processes keep their collection handles (only a new embedding model, whose
vectors have another size, needs new collections).
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from mentor.documents import (CHUNKING_VERSION, SUPPORTED_SUFFIXES, UnreadableFile, chunk_source, iter_files, read_source,
                              searchable_text, source_name)
from mentor.embeddings import embedder_identity, make_embedder
from mentor.errors import InputError
from mentor.framework import Framework, load_framework
from mentor.settings import Settings
from mentor.sentences import VOICE_FILE, SentenceIndex, voice_classifier
from mentor.state import PENDING, open_state, orphan_sources
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


def _is_within(path: Path, folders: list[Path], files: list[Path]) -> bool:
    path = path.resolve()
    return any(path == f.resolve() for f in files) or any(path.is_relative_to(d.resolve()) for d in folders)


class Ingestor:
    def __init__(self, settings: Settings, framework: Framework | None = None, store: PassageStore | None = None):
        self.settings = settings
        self.framework = framework or load_framework(settings.framework_path)
        self.store = store or PassageStore(settings)
        self.state = open_state(settings, self.store)
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
            if rebuild:
                self._empty_in_place()
            else:  # vectors of another size: new collections
                report.notes.append("The embedding model changed, so every document is embedded again.")
                self.store.drop()
                self.sentences.drop()
            self.state.clear()
        self.state.set("embedder", identity)
        self.store.collection(create=True)
        # Chunks carry the levels the framework names: a new framework or ladder re-chunks every file.
        from mentor.ladders import LadderFrameworks, ladders_fingerprint

        frameworks = LadderFrameworks(self.settings, self.framework)
        # Chunks carry levels from the ladders and sentences their voice from the labelled examples:
        # a change to either re-reads every file.
        framework_hash = hashlib.sha256((CHUNKING_VERSION + ladders_fingerprint(self.settings)
                                         + VOICE_FILE.read_text(encoding="utf-8")).encode()).hexdigest()
        reframed = self.state.get("framework") not in (None, framework_hash)
        if reframed:
            report.notes.append("The career framework, a ladder, the voice examples or the chunking changed, "
                                "so every document is read again.")
        elif self.state.files() and self.sentences.collection().count() == 0:
            reframed = True  # an index written before sentences were stored
            report.notes.append("The index predates per-sentence vectors, so every document is embedded again.")

        orphans = orphan_sources(self.store, self.state)
        for source in sorted(orphans):
            self._remove_source(source)
        if orphans:
            report.notes.append(f"Removed the passages of {len(orphans)} file(s) that an interrupted ingest "
                                "left without a state row.")

        files, folders = iter_files(paths)
        # The career framework and saved ladders are YAML too, but they frame the documents, not join them
        # (a saved ladder that no longer validates still sits in the ladders folder).
        from mentor.ladders import ladders_dir

        framing_dir = ladders_dir(self.settings).resolve()
        files = [f for f in files if not f.resolve().is_relative_to(framing_dir) and not _is_framework(f)]
        report.skipped.extend(_odd_entries(folders))
        known = self.state.files()
        todo, seen = [], set()
        for path in files:
            refusal = _refusal(path, self.settings.max_file_mb)
            noise: list[str] = []
            try:
                if refusal:
                    raise UnreadableFile(refusal)
                with _library_noise(noise):
                    doc = read_source(path)
            except UnreadableFile as exc:
                report.skipped.append(str(exc))
                seen.add(source_name(path))  # keep what an unreadable file had: never lose stored data
                continue
            except Exception as exc:  # a parser library failing on one file must not stop the others
                report.skipped.append(f"{path}: could not be read ({type(exc).__name__}: {exc}).")
                seen.add(source_name(path))
                continue
            seen.add(doc.source)
            if not reframed and known.get(doc.source, ("",))[0] == doc.sha256:
                report.unchanged += 1
            else:
                todo.append(doc)
                report.notes.extend(f"{doc.source}: {problem}." for problem in doc.problems)
                report.notes.extend(f"{doc.source}: {line}" for line in noise)

        gone = [s for s, (_, _, path) in known.items() if s not in seen and not path.exists()
                and _is_within(path, folders, files)]

        framed = [(doc, frameworks.for_document(doc.source, doc.path)) for doc in todo]
        chunked = [(doc, chunk_source(doc, fw), fw is not frameworks.general) for doc, fw in framed]
        total = sum(len(chunks) for _, chunks, _ in chunked)
        done = 0
        for doc, chunks, company_ladder in chunked:
            ids = [c.id for c in chunks]
            self.state.begin(doc.source, doc.path)  # from here until record(), the file counts as unfinished
            passage_vectors: dict[str, list[float]] = {}
            for i in range(0, len(chunks), EMBED_BATCH):
                batch = chunks[i:i + EMBED_BATCH]
                vectors = self.embedder.embed_documents([searchable_text(c) for c in batch])
                passage_vectors.update(zip((c.id for c in batch), vectors))
                self.store.upsert([c.id for c in batch], vectors, [c.page_content for c in batch],
                                  [c.metadata for c in batch])
                done += len(batch)
                if progress:
                    progress("embedding", done, total)
            stale = sorted(set(self.store.ids_for_source(doc.source)) - set(ids))
            self.store.delete(stale)
            self.sentences.write(chunks, self.embedder, self.voices, passage_vectors, company_ladder=company_ladder)
            self.state.record(doc.source, doc.sha256, ids, doc.path)
            report.passages += len(ids)
            if doc.source in known and (known[doc.source][0] != PENDING or known[doc.source][1]):
                report.updated += 1
            else:
                report.added += 1

        for source in gone:
            self._remove_source(source)
            self.state.forget(source)
            report.removed += 1

        self.state.set("framework", framework_hash)
        if report.changed or rebuild or orphans:
            self.state.bump_generation()
        from mentor.keywords import KeywordIndex

        KeywordIndex(self.settings, self.store, self.state).ensure_fresh()
        report.seconds = time.perf_counter() - started
        return report

    def _remove_source(self, source: str) -> None:
        self.store.delete(self.store.ids_for_source(source))
        self.sentences.delete_source(source)

    def _empty_in_place(self) -> None:
        self.store.clear()
        col = self.sentences.collection()
        while ids := col.get(include=[], limit=5000)["ids"]:
            col.delete(ids=ids)


def _is_framework(path: Path) -> bool:
    """A YAML file that loads as a career framework, wherever it sits: it frames documents, it is not one."""
    if path.suffix.lower() not in (".yaml", ".yml") or not path.is_file():  # a pipe would block the read
        return False
    from mentor.framework import load_framework

    try:
        load_framework(path)
        return True
    except Exception:  # any reason it is not a framework makes it a document
        return False


def _refusal(path: Path, max_mb: float) -> str | None:
    """Why a file is not even opened: not a regular file (a pipe would block the read), or too large."""
    try:
        info = path.stat()
    except OSError as exc:
        return f"{path}: cannot be read ({exc.strerror or exc})."
    if not stat.S_ISREG(info.st_mode):
        return f"{path}: not a regular file (a pipe, socket or device), so it is not read."
    if info.st_size > max_mb * 2**20:
        return (f"{path}: {info.st_size / 2**20:.1f} MB is over the {max_mb:g} MB limit "
                "(MENTOR_MAX_FILE_MB); split it or raise the limit.")
    return None


def _odd_entries(folders: list[Path]) -> list[str]:
    """Entries of the folders that are neither files nor folders, and subfolders that cannot be read."""
    found: list[str] = []
    for folder in folders:
        def unreadable(exc: OSError) -> None:
            found.append(f"{exc.filename}: cannot be read ({exc.strerror or exc}), so nothing under it is indexed.")

        for root, _, names in os.walk(folder, onerror=unreadable):
            for name in names:
                path = Path(root) / name
                if not name.startswith(".") and path.suffix.lower() in SUPPORTED_SUFFIXES:
                    refusal = _refusal(path, float("inf"))
                    if refusal and "regular file" in refusal:
                        found.append(refusal)
    return found


@contextmanager
def _library_noise(into: list[str]) -> Iterator[None]:
    """What parser libraries (pypdf, BeautifulSoup) say through `logging` and `warnings`, kept from the
    terminal and turned into one note."""
    heard: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            heard.append(record.getMessage())

    handler, loggers = Collect(logging.WARNING), [logging.getLogger(name) for name in ("pypdf", "bs4")]
    saved = [(lg, lg.propagate) for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        heard += [str(w.message) for w in caught]
    finally:
        for lg, propagate in saved:
            lg.removeHandler(handler)
            lg.propagate = propagate
    if heard:
        first = " ".join(heard[0].split())[:120]
        into.append(f"its reader reported {len(heard)} problem(s), first: \"{first}\"; what it could read is indexed.")
