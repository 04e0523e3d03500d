"""Hybrid retrieval: dense (Chroma) + BM25, fused by reciprocal rank, with alias expansion."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from mentor.framework import Framework, Level
from mentor.settings import Settings
from mentor.store import PassageStore
from mentor.keywords import KeywordIndex
from mentor.text import tokenize

RRF_K = 60  # the constant of Cormack et al. (2009); robust across collections
CANDIDATES = 30
LADDER_LIFT = 3.0  # the chosen (or named) company ladder's passages rank above the general article's


@dataclass
class Passage:
    chunk_id: str
    text: str
    source: str
    section: str
    metadata: dict
    score: float = 0.0
    scores: dict[str, float] = field(default_factory=dict)
    rank: int = 0

    @property
    def levels(self) -> set[str]:
        return {x for x in self.metadata.get("levels", "").split("|") if x}

    def as_json(self) -> dict:
        return {
            "rank": self.rank, "chunk_id": self.chunk_id, "source": self.source, "section": self.section,
            "text": self.text, "score": round(self.score, 6),
            "scores": {k: round(v, 6) for k, v in self.scores.items()},
        }


_PATH_CUE = re.compile(r"\b(become|becoming|get\s+to|reach|move|promot\w*|jump|level\s+up|step\s+up|advance|"
                       r"path\s+to|route\s+to|get\s+from|go\s+from)\b", re.IGNORECASE)


@dataclass
class Query:
    text: str
    expanded: str
    mentioned: list[Level]
    weights: dict[str, float] = field(default_factory=dict)  # level id -> how specifically it was named
    wants_step: bool = False
    confusion_sections: set[str] = field(default_factory=set)


class Retriever:
    def __init__(self, settings: Settings, framework: Framework, embedder, store: PassageStore, keyword: KeywordIndex):
        self.settings = settings
        self.framework = framework
        self.embedder = embedder
        self.store = store
        self.keyword = keyword
        self.ladders = None  # a LadderPreference: whose document's passages come first
        self._topic_vectors: dict[str, list[float]] = {}

    def expand(self, text: str) -> Query:
        """Add the canonical name and aliases of each level named, so 'GPM' finds 'Director'."""
        fw = self.framework
        mentions = fw.find_levels(text)
        mentioned = list({m.level.id: m.level for m in mentions}.values())
        extra = [name for lvl in mentioned for name in fw.aliases_of(lvl)]
        expanded = f"{text} ({'; '.join(extra)})" if extra else text
        # "PM" or "Product Manager" inside a question is often the job in general, not the level.
        weights: dict[str, float] = {}
        for m in mentions:
            generic = self._is_generic(m.text)
            weights[m.level.id] = max(weights.get(m.level.id, 0.0), 0.5 if generic else 1.0)
        sections = {c.section for c in fw.confusions for t in c.terms
                    if t not in fw.by_id and re.search(rf"\b{re.escape(t)}", text, re.I)}
        return Query(text, expanded, mentioned, weights, bool(_PATH_CUE.search(text)), sections)

    def _is_generic(self, alias: str) -> bool:
        alias = alias.lower().rstrip("s")
        others = [a.lower() for lvl in self.framework.levels for a in lvl.aliases if a.lower() != alias]
        return any(re.search(rf"\b{re.escape(alias)}\b", o) for o in others)

    def _ladder_dense(self, vector, sources: set[str], n: int) -> list[tuple[str, float]]:
        """Nearest passages of the preferred documents only, so they are candidates even when outranked."""
        if not sources:
            return []
        col = self.store.collection()
        res = col.query(query_embeddings=[vector], n_results=min(n, col.count()),
                        where={"source": {"$in": sorted(sources)}}, include=["distances"])
        return [(i, 1.0 - d) for i, d in zip(res["ids"][0], res["distances"][0])]

    def search_topic(self, topic: str, k: int) -> list[Passage]:
        """Passages on a topic the product words itself ("switching tracks: …"): its vector is encoded once."""
        if topic not in self._topic_vectors:
            self._topic_vectors[topic] = self.embedder.embed_query(self.expand(topic).expanded)
        return self.search(topic, k=k, vector=self._topic_vectors[topic])

    def search(self, text: str, k: int = 6, level: Level | None = None, target: Level | None = None,
               boost: float = 0.5, vector=None) -> list[Passage]:
        """``vector``: the question's embedding when the caller has one (one encoding per question)."""
        query = self.expand(text)
        keyword = self.keyword.ensure_fresh()
        n = max(CANDIDATES, 4 * k)
        if vector is None:
            vector = self.embedder.embed_query(query.expanded)
        dense = self.store.query(vector, n)
        preferred = self.ladders.preferred(text) if self.ladders is not None else set()
        bm25_all = keyword.scores(tokenize(query.expanded))
        top = np.argsort(-bm25_all)[:n]
        bm25 = [(keyword.ids[i], float(bm25_all[i])) for i in top if bm25_all[i] > 0]

        fused: dict[str, dict[str, float]] = {}
        for name, ranked in (("dense", dense), ("bm25", bm25), ("ladder", self._ladder_dense(vector, preferred, n))):
            for rank, (chunk_id, score) in enumerate(ranked, start=1):
                entry = fused.setdefault(chunk_id, {"dense": 0.0, "bm25": 0.0, "rrf": 0.0})
                entry[name] = score
                entry["rrf"] += 1.0 / (RRF_K + rank)
        if not fused:
            return []
        records = self.store.get(list(fused))
        named = set(query.weights)
        context = {lvl.id for lvl in (level, target) if lvl is not None} - named
        passages = []
        for chunk_id, s in fused.items():
            if chunk_id not in records:
                continue
            text_, meta = records[chunk_id]
            passage = Passage(chunk_id, text_, meta.get("source", ""), meta.get("section", ""), meta)
            # A passage about a level the question names outranks one that only mentions it;
            # the user's own level and target count for less.
            lift = sum(query.weights[i] for i in named & passage.levels) / max(len(named), 1)
            lift += 0.5 * bool(context & passage.levels)
            if query.wants_step and meta.get("to_level") in named:
                lift += 1.0  # "how do I become X": the step up to X is the answer
            if meta.get("heading") in query.confusion_sections:
                lift += 1.0
            if passage.source in preferred:
                lift += LADDER_LIFT
            s["boost"] = boost * lift / RRF_K
            passage.scores = s
            passage.score = s["rrf"] + s["boost"]
            passages.append(passage)
        passages.sort(key=lambda p: (-p.score, p.chunk_id))
        for rank, p in enumerate(passages[:k], start=1):
            p.rank = rank
        return passages[:k]
