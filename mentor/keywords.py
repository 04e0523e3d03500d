"""The keyword half of hybrid retrieval: BM25 over every passage."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np

from mentor.settings import Settings
from mentor.store import PassageStore
from mentor.text import tokenize


class KeywordIndex:
    """BM25 over every passage (bm25s: sparse matrices, fast at 100k passages).

    Persisted under the index folder and rebuilt when the ingest generation moves. With a Chroma
    server the passages and the generation are shared, and each replica keeps its own copy of this
    derived index: it reads the shared generation on every search, so a replica sees another's ingest
    at its next question, without a restart. (Storing the BM25 matrices in Chroma would mean
    megabytes of metadata rewritten on every ingest; rebuilding from the passages takes seconds.)
    """

    def __init__(self, settings: Settings, store: PassageStore, state):
        self.dir = settings.index_dir / "bm25"
        self.store = store
        self.state = state
        self.bm25 = None
        self.ids: list[str] = []
        self._generation: str | None = None

    def _meta_path(self) -> Path:
        return self.dir / "mentor.json"

    def ensure_fresh(self) -> KeywordIndex:
        generation = self.state.generation
        if self.bm25 is not None and self._generation == generation:
            return self
        meta = json.loads(self._meta_path().read_text()) if self._meta_path().exists() else {}
        if meta.get("generation") == generation:
            import bm25s

            try:
                self.bm25 = bm25s.BM25.load(str(self.dir), mmap=False, show_progress=False) if meta["ids"] else None
                self.ids = meta["ids"]
            except (OSError, ValueError):  # replaced by another process while we read it
                self._build(generation)
        else:
            self._build(generation)
        self._generation = generation
        return self

    def _build(self, generation: str) -> None:
        import bm25s

        ids, corpus = [], []
        for chunk_id, text, meta in self.store.all_passages():
            ids.append(chunk_id)
            corpus.append(tokenize(f"{meta.get('section', '')}\n{text}"))
        tmp = self.dir.with_name(f"bm25.tmp{os.getpid()}")  # replicas may share an index folder
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        self.bm25 = None
        if ids:
            self.bm25 = bm25s.BM25()
            self.bm25.index(corpus, show_progress=False)
            self.bm25.save(str(tmp), show_progress=False)
        (tmp / "mentor.json").write_text(json.dumps({"generation": generation, "ids": ids}))
        shutil.rmtree(self.dir, ignore_errors=True)
        try:
            tmp.replace(self.dir)
        except OSError:  # another process put its copy there first: ours stays in memory
            shutil.rmtree(tmp, ignore_errors=True)
        self.ids = ids

    def scores(self, tokens: list[str]) -> np.ndarray:
        if self.bm25 is None or not tokens:
            return np.zeros(len(self.ids), dtype=np.float32)
        vocab = self.bm25.vocab_dict
        known = [t for t in tokens if t in vocab]
        if not known:
            return np.zeros(len(self.ids), dtype=np.float32)
        return self.bm25.get_scores(known)

    def vocabulary(self) -> frozenset[str]:
        """Every word of the index; one object per loaded index, so what is derived from it can be cached."""
        if getattr(self, "_vocabulary_of", None) is not self.bm25:
            self._vocabulary = frozenset(self.bm25.vocab_dict) if self.bm25 is not None else frozenset()
            self._vocabulary_of = self.bm25
        return self._vocabulary
