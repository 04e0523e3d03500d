"""Conversations: level, target, turns and feedback, through SQLAlchemy (SQLite or PostgreSQL).

Schema changes: SQLAlchemy's metadata plus a one-row ``schema_version`` table, not Alembic. Every
replica migrates on start (no separate command to forget), the changes so far are additive, and
Alembic would bring a migrations folder, its environment and a second CLI for a dozen lines. Each
entry of ``MIGRATIONS`` moves a store from version n-1 to n. Starts are serialised (PostgreSQL: an
advisory lock inside a transaction, DDL being transactional there; SQLite: ``BEGIN IMMEDIATE``), so
two processes creating one new store at once both work.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Connection, ForeignKey, String, Text, create_engine, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, NoSuchModuleError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from mentor.answer import Answer
from mentor.errors import ConfigError, InputError, MentorError
from mentor.framework import Framework, Level
from mentor.understand import Memory

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2
MIGRATION_LOCK = 0x6D656E746F72  # "mentor": the advisory lock key of schema changes on PostgreSQL


class StoreUnavailableError(MentorError):
    """The conversation store does not answer; what it holds is untouched."""


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class SchemaVersion(Base):
    __tablename__ = "schema_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int]


class Conversation(Base):
    __tablename__ = "conversations"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200), default="New conversation")
    level: Mapped[str | None] = mapped_column(String(64), nullable=True)
    target: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=_now)
    updated_at: Mapped[datetime] = mapped_column(default=_now, index=True)
    turns: Mapped[list[Turn]] = relationship(back_populates="conversation", cascade="all, delete-orphan",
                                             order_by="Turn.id")


class Turn(Base):
    __tablename__ = "turns"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(Text)
    answer_json: Mapped[str] = mapped_column(Text)
    intent: Mapped[str | None] = mapped_column(String(32), nullable=True)
    goal: Mapped[str | None] = mapped_column(String(64), nullable=True)
    levels: Mapped[str] = mapped_column(String(400), default="")
    feedback: Mapped[int | None] = mapped_column(nullable=True)  # +1 / -1
    created_at: Mapped[datetime] = mapped_column(default=_now)
    conversation: Mapped[Conversation] = relationship(back_populates="turns")

    @property
    def answer(self) -> Answer:
        return Answer.model_validate(json.loads(self.answer_json))


def _index_updated_at(conn: Connection) -> None:
    """Version 2: the conversation list is ordered by last activity."""
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_conversations_updated_at ON conversations (updated_at)"))


# Version 1 is the schema from before the version table existed.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {2: _index_updated_at}


def _migrate(conn: Connection) -> None:
    existed = inspect(conn).has_table("conversations")
    Base.metadata.create_all(conn)  # new tables only; changes to existing ones are MIGRATIONS
    row = conn.execute(select(SchemaVersion.version)).scalar()
    version = row if row is not None else (1 if existed else SCHEMA_VERSION)
    if version > SCHEMA_VERSION:
        raise ConfigError(f"The conversation store is at schema version {version}, newer than this "
                          f"mentor ({SCHEMA_VERSION}); upgrade the mentor before using it.")
    for step in range(version + 1, SCHEMA_VERSION + 1):
        MIGRATIONS[step](conn)
    if row is None:
        conn.execute(SchemaVersion.__table__.insert().values(id=1, version=SCHEMA_VERSION))
    elif row != SCHEMA_VERSION:
        conn.execute(SchemaVersion.__table__.update().values(version=SCHEMA_VERSION))


def _private_sqlite_file(path: Path) -> None:
    """The store holds what users told the mentor: readable by its owner only, in a folder others
    cannot write to (they could swap the file)."""
    folder = path.parent
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if folder.stat().st_mode & stat.S_IWOTH:
        raise ConfigError(f"The folder of the conversation store ({folder}) is writable by every user; "
                          "point MENTOR_HISTORY_URL or MENTOR_INDEX_DIR at a private folder.")
    try:  # created empty with mode 0600 (an empty file is a valid SQLite database)
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o077:
            path.chmod(0o600)  # a store created world-readable by an older version


class History:
    def __init__(self, url: str, log_text: bool = False):
        self.log_text = log_text  # conversation text reaches the logs only when MENTOR_DEBUG is set
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise ConfigError(f"MENTOR_HISTORY_URL '{url}' is not a database URL like "
                              "postgresql+psycopg://user@host/db or sqlite:///path.") from None
        self.address = parsed.render_as_string(hide_password=True)
        sqlite = parsed.get_backend_name() == "sqlite"
        if sqlite and parsed.database and parsed.database != ":memory:":
            _private_sqlite_file(Path(parsed.database))
        try:
            self.engine = create_engine(parsed, pool_pre_ping=True, connect_args={"timeout": 30} if sqlite else {})
        except (NoSuchModuleError, ImportError) as exc:
            raise ConfigError(f"MENTOR_HISTORY_URL {self.address} needs a database driver that is not "
                              f"installed ({exc}).") from None
        with self._unavailable_as_error("start"):
            self._create_or_migrate(sqlite)

    def _create_or_migrate(self, sqlite: bool) -> None:
        if sqlite:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock first: one creator at a time
                _migrate(conn)
                conn.commit()
            return
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            _migrate(conn)

    @contextmanager
    def _unavailable_as_error(self, doing: str = "use") -> Iterator[None]:
        try:
            yield
        except DBAPIError as exc:
            if not (exc.connection_invalidated or isinstance(exc.orig, (ConnectionError, OSError))
                    or type(exc.orig).__name__ in ("OperationalError", "InterfaceError")):
                raise
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
            raise StoreUnavailableError(
                f"The conversation store {self.address} (MENTOR_HISTORY_URL) did not answer ({reason}); "
                "nothing stored before was lost."
            ) from None

    def _write(self, change: Callable[[Session], object]):
        """Run one write transaction; once more when another process created the same row first."""
        for attempt in (1, 2):
            try:
                with self._session(write=True) as db:
                    return change(db)
            except IntegrityError:
                if attempt == 2:
                    raise

    @contextmanager
    def _session(self, write: bool = False) -> Iterator[Session]:
        with self._unavailable_as_error(), Session(self.engine) as db:
            if write:
                with db.begin():
                    yield db
            else:
                yield db

    def open(self, session_id: str | None = None, level: Level | None = None, target: Level | None = None) -> str:
        """The id of an existing or new conversation, with level/target set when given."""
        session_id = session_id or uuid.uuid4().hex[:12]

        def change(db: Session) -> str:
            conv = db.get(Conversation, session_id)
            if conv is None:
                conv = Conversation(id=session_id)
                db.add(conv)
            if level is not None:
                conv.level = level.id
            if target is not None:
                conv.target = target.id
            return conv.id

        return self._write(change)

    def memory(self, session_id: str, framework: Framework) -> Memory:
        with self._session() as db:
            conv = db.get(Conversation, session_id)
            if conv is None:
                return Memory()
            mem = Memory(level=framework.by_id.get(conv.level or ""), target=framework.by_id.get(conv.target or ""))
            last = conv.turns[-1] if conv.turns else None
            if last is not None:
                mem.last_intent = last.intent
                mem.last_goal = framework.by_id.get(last.goal or "")
                mem.last_levels = [framework.by_id[i] for i in last.levels.split("|") if i in framework.by_id]
                mem.last_question = last.question
                mem.earlier_levels = [framework.by_id[i] for turn in conv.turns[-4:-1]
                                      for i in (turn.levels or "").split("|") if i in framework.by_id]
                mem.earlier_questions = [turn.question for turn in conv.turns[-4:-1]]
            return mem

    def recent(self, session_id: str, n: int = 3) -> list[tuple[str, str]]:
        with self._session() as db:
            conv = db.get(Conversation, session_id)
            return [(t.question, t.answer.answer) for t in conv.turns[-n:]] if conv else []

    def record(self, session_id: str, answer: Answer, intent: str, goal: Level | None, levels: list[Level],
               level: Level | None, target: Level | None) -> int:
        def change(db: Session) -> int:
            conv = db.get(Conversation, session_id) or Conversation(id=session_id)
            db.add(conv)
            if not conv.turns:
                conv.title = answer.question[:80]
            conv.level = level.id if level else conv.level
            conv.target = target.id if target else conv.target
            conv.updated_at = _now()
            turn = Turn(question=answer.question, answer_json=answer.model_dump_json(), intent=intent,
                        goal=goal.id if goal else None, levels="|".join(lvl.id for lvl in levels))
            conv.turns.append(turn)
            db.flush()
            return turn.id

        turn_id = self._write(change)
        log.info("conversation %s: turn %d stored (intent %s, %d citations, abstained %s)",
                 session_id, turn_id, intent, len(answer.citations), answer.abstained)
        if self.log_text:
            log.debug("conversation %s turn %d: question %r answer %r", session_id, turn_id,
                      answer.question, answer.answer)
        return turn_id

    def set_profile(self, session_id: str, level: Level | None, target: Level | None) -> None:
        def change(db: Session) -> None:
            conv = db.get(Conversation, session_id)
            if conv is None:
                conv = Conversation(id=session_id)
                db.add(conv)
            conv.level = level.id if level else None
            conv.target = target.id if target else None

        self._write(change)

    def conversations(self) -> list[dict]:
        with self._session() as db:
            rows = db.scalars(select(Conversation).order_by(Conversation.updated_at.desc())).all()
            return [{"id": c.id, "title": c.title, "level": c.level, "target": c.target,
                     "updated_at": c.updated_at.isoformat(), "turns": len(c.turns)} for c in rows]

    def profile(self, session_id: str) -> tuple[str | None, str | None]:
        with self._session() as db:
            conv = db.get(Conversation, session_id)
            return (conv.level, conv.target) if conv else (None, None)

    def turns(self, session_id: str) -> list[dict]:
        with self._session() as db:
            conv = db.get(Conversation, session_id)
            if conv is None:
                return []
            return [{"id": t.id, "question": t.question, "answer": t.answer, "feedback": t.feedback}
                    for t in conv.turns]

    def exists(self, session_id: str) -> bool:
        with self._session() as db:
            return db.get(Conversation, session_id) is not None

    def delete(self, session_id: str) -> bool:
        """True when there was such a conversation."""
        with self._session(write=True) as db:
            conv = db.get(Conversation, session_id)
            if conv is not None:
                db.delete(conv)
            return conv is not None

    def set_feedback(self, turn_id: int, value: int | None) -> None:
        if value not in (1, -1, None):
            raise InputError("Feedback is +1 (helpful) or -1 (not helpful).")
        with self._session(write=True) as db:
            turn = db.get(Turn, turn_id)
            if turn is None:
                raise InputError(f"There is no answer {turn_id} to rate.")
            turn.feedback = value

    def export(self, session_id: str) -> dict:
        """The whole conversation as data: profile, then each turn with its answer and feedback."""
        with self._session() as db:
            conv = db.get(Conversation, session_id)
            if conv is None:
                raise InputError(f"There is no conversation '{session_id}'.")
            return {"id": conv.id, "title": conv.title, "level": conv.level, "target": conv.target,
                    "created_at": conv.created_at.isoformat(), "updated_at": conv.updated_at.isoformat(),
                    "turns": [{"id": t.id, "question": t.question, "answer": t.answer.model_dump(),
                               "feedback": t.feedback, "created_at": t.created_at.isoformat()}
                              for t in conv.turns]}

    def export_markdown(self, session_id: str) -> str:
        from mentor.safety import safe_markdown  # stored text is shown as text: no image, no live link

        conv = self.export(session_id)
        lines = [f"# {safe_markdown(conv['title'])}", ""]
        for t in conv["turns"]:
            a = t["answer"]
            lines += [f"**You:** {safe_markdown(t['question'])}", "", f"**Mentor:** {safe_markdown(a['answer'])}", ""]
            if a["citations"]:
                lines.append("Sources:")
                lines += [f"- [{c['n']}] {safe_markdown(c['section'])} ({c['source']}): "
                          f"\"{safe_markdown(c['quote'])}\"" for c in a["citations"]]
                lines.append("")
        return "\n".join(lines)
