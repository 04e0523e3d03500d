"""The ingest state: which files are in the index, their content hash and chunk ids, and the
generation that tells every reader (keyword index, caches) the passages changed.

Where it lives. Embedded, in SQLite under MENTOR_INDEX_DIR, beside the embedded Chroma. With a Chroma
server (MENTOR_CHROMA_URL), in the server itself: a small collection `<collection>-state` with one
record per file (chunk ids in the document, hash and path in the metadata) and one per key. Why
Chroma and not PostgreSQL: the state describes the passages, so it must live, be backed up, be
restored and be dropped with them; a deployment with a Chroma server and no PostgreSQL (or with
conversations in another database) still shares one state; and a replica needs no second connection
to know what is indexed. What Chroma lacks is transactions, which the write order makes up for.

Write order (an ingest that cannot be half-done). Before any passage of a file is written, its row is
marked pending (no hash); the hash is recorded only after its passages and sentences are all in.
So every passage in the store has a row naming its source, and a run that was killed leaves a row
whose hash matches no file: the next run redoes that file (stale passages removed) or, the file being
gone, removes its passages. Passages of a source with no row at all (written by an older version)
are removed by `orphan_sources`.

The generation is a random token, not a counter: a rebuild clears the state, and a counter would
start again at a value a reader has already seen.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from contextlib import closing
from pathlib import Path

PENDING = ""  # the hash of a file whose passages are being written


class _Generation:
    """What both stores share: the generation, kept as one key among the others."""

    def get(self, key: str, default: str | None = None) -> str | None:
        raise NotImplementedError

    def set(self, key: str, value: str) -> None:
        raise NotImplementedError

    @property
    def generation(self) -> str:
        return self.get("generation", "0") or "0"

    def bump_generation(self) -> None:
        self.set("generation", uuid.uuid4().hex)
        self.set("last_ingest", str(time.time()))


class SqliteIngestState(_Generation):
    """The state of an embedded index, in a SQLite file."""

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

    def begin(self, source: str, path: Path) -> None:
        """Mark a file as being written: until `record`, its hash matches no file."""
        with closing(self._connect()) as db, db:
            db.execute("INSERT INTO files VALUES (?, ?, '[]', ?, ?) ON CONFLICT(source) DO UPDATE SET sha256 = ?",
                       (source, PENDING, time.time(), str(path.resolve()), PENDING))

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


class ChromaIngestState(_Generation):
    """The state of a Chroma server's index, kept in that server (see the module's note)."""

    def __init__(self, store):
        self.store = store
        self.name = f"{store.settings.collection}-state"
        self._collection = None

    def _col(self):
        if self._collection is None:
            self._collection = self.store.client.get_or_create_collection(self.name, embedding_function=None)
        return self._collection

    def _call(self, method: str, **kwargs):
        """One call on the state collection; once more when a rebuild elsewhere replaced it."""
        try:
            return getattr(self._col(), method)(**kwargs)
        except Exception as exc:
            if type(exc).__name__ not in ("NotFoundError", "InvalidCollectionException"):
                raise
            self._collection = None
            return getattr(self._col(), method)(**kwargs)

    def _put(self, key: str, document: str, meta: dict) -> None:
        # Chroma needs a vector per record: a constant one, never searched.
        self._call("upsert", ids=[key], embeddings=[[1.0]], documents=[document], metadatas=[meta])

    def files(self) -> dict[str, tuple[str, list[str], Path]]:
        res = self._call("get", where={"kind": "file"}, include=["documents", "metadatas"])
        return {m["source"]: (m["sha256"], json.loads(doc), Path(m["path"]))
                for doc, m in zip(res["documents"], res["metadatas"])}

    def begin(self, source: str, path: Path) -> None:
        row = self._call("get", ids=[f"file:{source}"], include=["documents"])
        self._put(f"file:{source}", row["documents"][0] if row["ids"] else "[]",
                  {"kind": "file", "source": source, "sha256": PENDING, "path": str(path.resolve())})

    def record(self, source: str, sha256: str, chunk_ids: list[str], path: Path) -> None:
        self._put(f"file:{source}", json.dumps(chunk_ids),
                  {"kind": "file", "source": source, "sha256": sha256, "path": str(path.resolve()),
                   "ingested_at": time.time()})

    def forget(self, source: str) -> None:
        self._call("delete", ids=[f"file:{source}"])

    def clear(self) -> None:
        try:
            self.store.client.delete_collection(self.name)
        except Exception:  # nothing to clear
            pass
        self._collection = None

    def get(self, key: str, default: str | None = None) -> str | None:
        res = self._call("get", ids=[f"meta:{key}"], include=["metadatas"])
        return res["metadatas"][0]["value"] if res["ids"] else default

    def set(self, key: str, value: str) -> None:
        self._put(f"meta:{key}", "", {"kind": "meta", "value": value})


def open_state(settings, store):
    """The state that goes with the store: in the Chroma server when there is one."""
    return ChromaIngestState(store) if settings.chroma_url else SqliteIngestState(settings.state_path)


def orphan_sources(store, state) -> set[str]:
    """Sources with passages in the store and no state row: left by an older version's killed run.

    The passages are listed before the state is read: a concurrent run marks a file pending before
    writing its passages, so a passage seen here already has its row when the state is read.
    """
    present = store.sources() if store.exists() else set()
    return present - set(state.files())
