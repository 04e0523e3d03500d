"""Where passages live: a Chroma collection, embedded or on a Chroma server."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

from mentor.errors import ConfigError, IndexMissingError
from mentor.settings import Settings

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

# Chroma's default ef_search (100) gave recall@10 0.975 against exact search at 100k passages;
# 200 keeps recall above 0.98 for a few milliseconds more (see `mentor bench`).
EF_SEARCH = 200


# How SQLite, Chroma's Rust core and the OS each say the disk is full.
_FULL = ("no space left", "database or disk is full", "disk is full", "disk full", "enospc", "quota exceeded")


# A failed write with less than this free is put down to the disk (Chroma preallocates in MB-sized steps).
NEARLY_FULL = 16 * 2**20


def writable_index(folder: Path) -> None:
    """Chroma and the conversation store write even to answer: a read-only index is one sentence, up front."""
    existing = folder if folder.exists() else next((p for p in folder.parents if p.exists()), folder)
    for path in [existing, *existing.iterdir()] if existing.is_dir() else []:
        if not os.access(path, os.W_OK):
            raise ConfigError(f"The index folder {folder} is read-only ({path.name} cannot be written); "
                              "make it writable or point MENTOR_INDEX_DIR at another folder.")


def storage_error(exc: BaseException, folder: Path) -> ConfigError | None:
    """A full disk, however the library below phrases it, as one sentence; None for other errors."""
    existing = next((p for p in (folder, *folder.parents) if p.exists()), folder)
    free = shutil.disk_usage(existing).free
    said_full, seen = False, exc
    while seen is not None and not said_full:
        said_full = getattr(seen, "errno", None) == errno.ENOSPC or any(m in str(seen).lower() for m in _FULL)
        seen = seen.__cause__ or seen.__context__
    # Chroma's Rust core reports a failed write without the OS's reason; what is left on the disk tells.
    if not said_full and free >= NEARLY_FULL:
        return None
    return ConfigError(f"The disk holding {folder} is full ({free / 2**20:.1f} MB free), so nothing more could be "
                       "written; what was stored before is kept. Free some space and run the command again.")


def chroma_client(settings: Settings):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if not url.hostname:
            raise ConfigError(f"MENTOR_CHROMA_URL '{settings.chroma_url}' is not a URL like http://127.0.0.1:8000.")
        try:
            return chromadb.HttpClient(
                host=url.hostname, port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https", settings=chroma_settings,
            )
        except Exception as exc:  # chromadb raises several kinds when the server is away
            raise ConfigError(f"The Chroma server at {settings.chroma_url} (MENTOR_CHROMA_URL) is not reachable "
                              f"({exc}).") from None
    writable_index(settings.index_dir)
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def _is_replaced(exc: Exception) -> bool:
    """Chroma's error for a collection object whose collection was deleted (and maybe recreated)."""
    return type(exc).__name__ in ("NotFoundError", "InvalidCollectionException") or "does not exist" in str(exc)


class PassageStore:
    """The collection of passages, with our own vectors (Chroma never embeds)."""

    def __init__(self, settings: Settings, client=None):
        self.settings = settings
        self.client = client or chroma_client(settings)
        self._collection = None

    def collection(self, create: bool = False):
        if self._collection is None:
            if create:
                self._collection = self.client.get_or_create_collection(
                    self.settings.collection,
                    configuration={"hnsw": {"space": "cosine", "ef_search": EF_SEARCH}},
                    embedding_function=None,
                )
                hnsw = (self._collection.configuration or {}).get("hnsw") or {}
                if hnsw.get("ef_search") != EF_SEARCH:  # a collection made before: raise its search breadth
                    self._collection.modify(configuration={"hnsw": {"ef_search": EF_SEARCH}})
            else:
                try:
                    self._collection = self.client.get_collection(self.settings.collection, embedding_function=None)
                except Exception:  # NotFoundError in 1.x, ValueError before
                    raise IndexMissingError(
                        "The index has not been built yet; run 'mentor ingest' first."
                    ) from None
        return self._collection

    def _on_current(self, call, create: bool = False):
        """Run call(collection); once more on the current one when a rebuild elsewhere replaced it,
        so a running process carries on after `mentor ingest --rebuild`."""
        try:
            return call(self.collection(create=create))
        except Exception as exc:
            if not _is_replaced(exc):
                raise
            self._collection = None
            return call(self.collection(create=create))

    def exists(self) -> bool:
        try:
            self.collection()
            return True
        except IndexMissingError:
            return False

    def clear(self) -> None:
        """Remove every passage but keep the collection, so processes holding it keep working."""
        while ids := self._on_current(lambda col: col.get(include=[], limit=5000)["ids"], create=True):
            self.delete(ids)

    def sources(self, batch: int = 5000) -> set[str]:
        """The source of every passage (metadata only, a page at a time)."""
        found, offset = set(), 0
        while True:
            res = self._on_current(lambda col: col.get(include=["metadatas"], limit=batch, offset=offset))
            if not res["ids"]:
                return found
            found |= {m.get("source", "") for m in res["metadatas"]}
            offset += len(res["ids"])

    def drop(self) -> None:
        try:
            self.client.delete_collection(self.settings.collection)
        except Exception:  # nothing to drop
            pass
        self._collection = None

    def count(self) -> int:
        return self._on_current(lambda col: col.count())

    def upsert(self, ids, embeddings, documents, metadatas, batch: int = 1000) -> None:
        for i in range(0, len(ids), batch):
            self._on_current(lambda col: col.upsert(
                ids=ids[i:i + batch], embeddings=embeddings[i:i + batch],
                documents=documents[i:i + batch], metadatas=metadatas[i:i + batch],
            ), create=True)

    def delete(self, ids: list[str], batch: int = 1000) -> None:
        for i in range(0, len(ids), batch):
            self._on_current(lambda col: col.delete(ids=ids[i:i + batch]), create=True)

    def ids_for_source(self, source: str) -> list[str]:
        return self._on_current(lambda col: col.get(where={"source": source}, include=[])["ids"], create=True)

    def query(self, embedding: list[float], n: int) -> list[tuple[str, float]]:
        """(id, cosine similarity) of the n nearest passages."""
        n = min(n, self.count())
        if n <= 0:
            return []
        res = self._on_current(lambda col: col.query(query_embeddings=[embedding], n_results=n, include=["distances"]))
        return [(i, 1.0 - d) for i, d in zip(res["ids"][0], res["distances"][0])]

    def get(self, ids: list[str]) -> dict[str, tuple[str, dict]]:
        if not ids:
            return {}
        res = self._on_current(lambda col: col.get(ids=ids, include=["documents", "metadatas"]))
        return {i: (doc, meta) for i, doc, meta in zip(res["ids"], res["documents"], res["metadatas"])}

    def all_passages(self, batch: int = 5000):
        """Yield (id, text, metadata) for every passage, a page at a time."""
        offset = 0
        while True:
            res = self._on_current(lambda col: col.get(include=["documents", "metadatas"], limit=batch, offset=offset))
            if not res["ids"]:
                return
            yield from zip(res["ids"], res["documents"], res["metadatas"])
            offset += len(res["ids"])
