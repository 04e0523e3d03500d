"""The keyword half of hybrid retrieval: BM25 over every passage."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from mentor.settings import Settings
from mentor.store import PassageStore
from mentor.text import tokenize


class KeywordIndex:
    """BM25 over every passage (bm25s: sparse matrices, fast at 100k passages).

    Persisted under the index folder and rebuilt when the ingest generation moves.
    """

    def __init__(self, settings: Settings, store: PassageStore, state):
        self.dir = settings.index_dir / "bm25"
        self.store = store
        self.state = state
        self.bm25 = None
        self.ids: list[str] = []

    def _meta_path(self) -> Path:
        return self.dir / "mentor.json"

    def ensure_fresh(self) -> KeywordIndex:
        generation = self.state.generation
        if self.bm25 is not None and self._generation == generation:
            return self
        meta = json.loads(self._meta_path().read_text()) if self._meta_path().exists() else {}
        if meta.get("generation") == generation:
            import bm25s

            self.bm25 = bm25s.BM25.load(str(self.dir), mmap=False, show_progress=False) if meta["ids"] else None
            self.ids = meta["ids"]
        else:
            self._build(generation)
        self._generation = generation
        return self

    def _build(self, generation: int) -> None:
        import bm25s

        ids, corpus = [], []
        for chunk_id, text, meta in self.store.all_passages():
            ids.append(chunk_id)
            corpus.append(tokenize(f"{meta.get('section', '')}\n{text}"))
        tmp = self.dir.with_name("bm25.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        self.bm25 = None
        if ids:
            self.bm25 = bm25s.BM25()
            self.bm25.index(corpus, show_progress=False)
            self.bm25.save(str(tmp), show_progress=False)
        (tmp / "mentor.json").write_text(json.dumps({"generation": generation, "ids": ids}))
        shutil.rmtree(self.dir, ignore_errors=True)
        tmp.replace(self.dir)
        self.ids = ids

    def scores(self, tokens: list[str]) -> np.ndarray:
        if self.bm25 is None or not tokens:
            return np.zeros(len(self.ids), dtype=np.float32)
        vocab = self.bm25.vocab_dict
        known = [t for t in tokens if t in vocab]
        if not known:
            return np.zeros(len(self.ids), dtype=np.float32)
        return self.bm25.get_scores(known)

    def vocabulary(self) -> set[str]:
        return set(self.bm25.vocab_dict) if self.bm25 is not None else set()
