"""Retrieval quality against gold sections: ours, and a naive RAG baseline in the same run."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from mentor.documents import HEADERS, SECTION_SEPARATOR
from mentor.settings import PROJECT_ROOT

RETRIEVAL_SET = PROJECT_ROOT / "evals" / "retrieval.jsonl"
NAIVE_CHUNK = 500


@dataclass
class RetrievalScores:
    name: str
    hit_at_1: float
    hit_at_3: float
    mrr: float
    n: int
    misses: list[str]

    def as_json(self) -> dict:
        return {"name": self.name, "hit@1": round(self.hit_at_1, 4), "hit@3": round(self.hit_at_3, 4),
                "mrr": round(self.mrr, 4), "n": self.n, "misses": self.misses}


def load_set(path: Path = RETRIEVAL_SET) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score(name: str, items: list[dict], ranked_sections: list[list[set[str]]]) -> RetrievalScores:
    """ranked_sections[i][r] is the set of sections the r-th result of question i stands in."""
    hit1 = hit3 = rr = 0.0
    misses = []
    for item, ranking in zip(items, ranked_sections):
        gold = set(item["gold_sections"])
        first = next((r for r, sections in enumerate(ranking, start=1) if sections & gold), None)
        hit1 += first == 1
        hit3 += first is not None and first <= 3
        rr += 1.0 / first if first else 0.0
        if not first or first > 3:
            misses.append(item["question"])
    n = len(items) or 1
    return RetrievalScores(name, hit1 / n, hit3 / n, rr / n, len(items), misses)


def evaluate_ours(mentor, items: list[dict], k: int = 10) -> RetrievalScores:
    ranked = [[{p.section} for p in mentor.search(item["question"], k=k)] for item in items]
    return score("hybrid + aliases + sections", items, ranked)


def section_spans(markdown: str) -> list[tuple[int, int, str]]:
    """(start, end, section name) for every section, named as the chunker names them."""
    import re

    spans, path, starts = [], [], []
    pattern = re.compile(r"^(#{1,4})\s+(.*)$", re.M)
    marks = {h: i + 1 for i, (h, _) in enumerate(HEADERS)}
    for m in pattern.finditer(markdown):
        depth = marks.get(m.group(1), len(m.group(1)))
        path = path[:depth - 1] + [m.group(2).strip()]
        starts.append((m.start(), SECTION_SEPARATOR.join(path[1:]) if len(path) > 1 else path[0]))
    for i, (start, name) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(markdown)
        spans.append((start, end, name))
    return spans


def naive_index(embedder, markdown: str):
    """The textbook RAG: fixed 500-character chunks, dense search only, no query expansion."""
    import chromadb
    from langchain_chroma import Chroma
    from langchain_text_splitters import CharacterTextSplitter

    splitter = CharacterTextSplitter(separator="", chunk_size=NAIVE_CHUNK, chunk_overlap=0, add_start_index=True)
    docs = splitter.create_documents([markdown])
    spans = section_spans(markdown)
    for doc in docs:
        start = doc.metadata["start_index"]
        end = start + len(doc.page_content)
        doc.metadata["sections"] = json.dumps([name for s, e, name in spans if s < end and e > start])
    client = chromadb.EphemeralClient(settings=chromadb.config.Settings(anonymized_telemetry=False))
    store = Chroma(client=client, collection_name="naive", embedding_function=embedder,
                   collection_metadata={"hnsw:space": "cosine"})
    store.add_documents(docs)
    return store, spans


def evaluate_naive(embedder, markdown: str, items: list[dict], k: int = 10) -> RetrievalScores:
    store, _ = naive_index(embedder, markdown)
    ranked = [[set(json.loads(d.metadata["sections"])) for d in store.similarity_search(item["question"], k=k)]
              for item in items]
    return score("naive: 500-char chunks, dense only", items, ranked)
