"""Per-sentence vectors of every passage, computed at ingest.

Answers are built from sentences ranked by meaning, so the corpus side of that
comparison is embedded once, here, and never at question time. Each sentence
also carries its voice: the author talking about the document itself ("in this
post I'll describe…", reader comments) stays searchable but is never offered
as advice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from langchain_core.documents import Document

from mentor.classify import DATA_DIR, PrototypeClassifier, unit_rows
from mentor.text import sentences_of

AUTHOR = "author"
CONTENT = "content"
VOICE_FILE = DATA_DIR / "voice.jsonl"
# The examples decide clear cases; below this margin a sentence is only "leaning".
CONFIDENT_MARGIN = 0.05
# A passage with this many clear asides (a comments section, an introduction about the post)
# settles its leaning sentences as asides too.
ASIDES_TO_SETTLE = 2
# The writer pointing at the document, or a reader reacting to it: asides whatever the examples say.
SELF_REFERENCE = re.compile(
    r"\b(this|the following|my|our|your)\s+(post|article|blog|guide|write-?up|piece|graph|chart|diagram|image|page|document)\b"
    r"|\bin the comments\b|\bwe hope\b|\bthanks? (you )?for (sharing|reading)\b"
    r"|\bI(?:'ll|’ll| will| bet| found| was doing| hope| guess| suspect)\b"
    r"|\b(this|the (post|article))\s+(gave|helped|taught|showed)\s+me\b", re.IGNORECASE)
# The document's housekeeping ("Last updated: May 2025", "Maintained by the Product team", "Read the table
# column by column"): about the page, never advice nor the nearest thing to an answer, though it may carry a
# date or a team's name.
HOUSEKEEPING = re.compile(
    r"^[\W_]*(last\s+(updated|reviewed|revised|edited|modified)|maintained\s+by|(document\s+)?owner(?=\s*:)"
    r"|version\s*:?\s*v?\d|status\s*:\s*(draft|final|approved|published)"
    r"|(date|cc|bcc|subject|ref|circulation|distribution)\s*:"  # a memo's header lines
    r"|(internal|confidential)(\s+only)?\s*[—–:.-])"  # "Internal — please don't share outside Acme"
    r"|\bread\s+(the|this)\s+(table|page|grid|matrix|document)\b"
    r"|\b(do\s+not|don['’]t)\s+(share|distribute|forward|circulate)\b[^.]{0,30}\boutside\b", re.IGNORECASE)


@dataclass
class Sentence:
    text: str
    chunk_id: str
    position: int
    voice: str
    vector: np.ndarray

    @property
    def is_advice(self) -> bool:
        return self.voice != AUTHOR


def voice_classifier(embedder, identity: str, cache_dir) -> PrototypeClassifier:
    return PrototypeClassifier.from_file(VOICE_FILE, embedder.embed_documents, identity, cache_dir)


class SentenceIndex:
    """A second Chroma collection beside the passages: one record per sentence."""

    def __init__(self, store):
        self.store = store
        self.name = f"{store.settings.collection}-sentences"
        self._collection = None
        self._cache: dict[str, list[Sentence]] = {}
        self._generation = None

    def collection(self):
        if self._collection is None:
            self._collection = self.store.client.get_or_create_collection(
                self.name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None)
        return self._collection

    def drop(self) -> None:
        try:
            self.store.client.delete_collection(self.name)
        except Exception:  # nothing to drop
            pass
        self._collection = None
        self._cache.clear()

    def write(self, chunks: list[Document], embedder, voices: PrototypeClassifier | None,
              passage_vectors: dict[str, list[float]] | None = None, *, company_ladder: bool = False) -> int:
        """Replace the sentences of these chunks' source(s); returns how many were written.

        A one-sentence passage (a table cell) reuses its passage's vector, which was embedded from the same
        section and text; only prose is read for the author's asides. A company's ladder document is read
        by the self-reference rule alone: the voice examples are a blog's asides, and a policy written as
        "we" and "our" leans toward them without being one.
        """
        passage_vectors = passage_vectors or {}
        for source in {c.metadata["source"] for c in chunks}:
            self.delete_source(source)
        ids, texts, in_context, metas, reused, prose = [], [], [], [], [], []
        for chunk in chunks:
            sentences = sentences_of(chunk.page_content)
            for i, sentence in enumerate(sentences):
                ids.append(f"{chunk.id}~{i}")
                texts.append(sentence)
                # "They oversee up to five direct reports" means little without its section's name.
                in_context.append(f"{chunk.metadata.get('section', '')}: {sentence}")
                metas.append({"chunk_id": chunk.id, "source": chunk.metadata["source"], "position": i,
                              "voice": CONTENT})
                reused.append(passage_vectors.get(chunk.id) if len(sentences) == 1 else None)
                prose.append(chunk.metadata.get("kind", "prose") == "prose")
        if not ids:
            return 0
        read = [i for i, p in enumerate(prose) if p]
        if read:
            bare = unit_rows(embedder.embed_documents([texts[i] for i in read]))
            for i, label in zip(read, mark_voices([texts[i] for i in read], bare, [metas[i] for i in read],
                                                        None if company_ladder else voices)):
                metas[i]["voice"] = label
        todo = [i for i, v in enumerate(reused) if v is None]
        fresh = iter(embedder.embed_documents([in_context[i] for i in todo]) if todo else [])
        vectors = unit_rows([v if v is not None else next(fresh) for v in reused])
        col = self.collection()
        for i in range(0, len(ids), 1000):
            col.upsert(ids=ids[i:i + 1000], embeddings=vectors[i:i + 1000].tolist(), documents=texts[i:i + 1000],
                       metadatas=metas[i:i + 1000])
        return len(ids)

    def _on_current(self, call):
        """Run call(collection); once more on a fresh handle when the collection was replaced or its
        server restarted, so a running process carries on."""
        try:
            return call(self.collection())
        except Exception:
            self._collection = None
            return call(self.collection())

    def nearest_chunks(self, vector, n: int) -> list[str]:
        """Passages holding the n sentences closest to the vector: a sentence can answer what its passage,
        as a whole, does not resemble."""
        def query(col):
            k = min(n, col.count())
            if k <= 0:
                return []
            res = col.query(query_embeddings=[list(map(float, vector))], n_results=k, include=["metadatas"])
            return list(dict.fromkeys(m["chunk_id"] for m in res["metadatas"][0]))

        return self._on_current(query)

    def delete_source(self, source: str) -> None:
        self.collection().delete(where={"source": source})

    def for_chunks(self, chunk_ids: list[str], generation: int | None = None) -> dict[str, list[Sentence]]:
        """Stored sentences of these passages, in order; cached until the index changes."""
        if generation != self._generation:
            self._cache.clear()
            self._generation = generation
        # Read into a local dict: another session may clear the shared cache mid-question (a new ingest).
        known = {c: hit for c in dict.fromkeys(chunk_ids) if (hit := self._cache.get(c)) is not None}
        missing = [c for c in dict.fromkeys(chunk_ids) if c not in known]
        if missing:
            res = self._on_current(lambda col: col.get(where={"chunk_id": {"$in": missing}},
                                                       include=["embeddings", "documents", "metadatas"]))
            found: dict[str, list[Sentence]] = {c: [] for c in missing}
            for text, meta, vector in zip(res["documents"], res["metadatas"], res["embeddings"]):
                found.setdefault(meta["chunk_id"], []).append(
                    Sentence(text, meta["chunk_id"], int(meta["position"]), meta.get("voice", CONTENT),
                             np.asarray(vector, dtype=np.float32)))
            for chunk_id, sentences in found.items():
                known[chunk_id] = self._cache[chunk_id] = sorted(sentences, key=lambda s: s.position)
        return {c: known.get(c, []) for c in chunk_ids}


def mark_voices(texts: list[str], vectors: np.ndarray, metas: list[dict],
                voices: PrototypeClassifier | None) -> list[str]:
    """AUTHOR or CONTENT per sentence: clear cases alone, leaning ones by their passage.

    Without examples (`voices` None) only the self-reference rule marks asides.
    """
    clear, leaning = [], []
    for text, vector in zip(texts, vectors):
        p = voices.predict(vector) if voices is not None else None
        clear.append(bool(SELF_REFERENCE.search(text) or HOUSEKEEPING.search(text)) or (p is not None and p.label == AUTHOR
                                                            and p.margin >= CONFIDENT_MARGIN))
        leaning.append(p is not None and p.label == AUTHOR)
    asides: dict[str, int] = {}
    for meta, is_clear in zip(metas, clear):
        asides[meta["chunk_id"]] = asides.get(meta["chunk_id"], 0) + is_clear
    return [AUTHOR if is_clear or (lean and asides[meta["chunk_id"]] >= ASIDES_TO_SETTLE) else CONTENT
            for meta, is_clear, lean in zip(metas, clear, leaning)]
