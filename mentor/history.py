"""Conversations: level, target, turns and feedback, through SQLAlchemy (SQLite or PostgreSQL)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import ForeignKey, String, Text, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from mentor.answer import Answer
from mentor.errors import InputError
from mentor.framework import Framework, Level
from mentor.understand import Memory


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class Conversation(Base):
    __tablename__ = "conversations"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200), default="New conversation")
    level: Mapped[str | None] = mapped_column(String(64), nullable=True)
    target: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=_now)
    updated_at: Mapped[datetime] = mapped_column(default=_now)
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


class History:
    def __init__(self, url: str):
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(url, pool_pre_ping=True)
        Base.metadata.create_all(self.engine)

    def open(self, session_id: str | None = None, level: Level | None = None, target: Level | None = None) -> str:
        """The id of an existing or new conversation, with level/target set when given."""
        with Session(self.engine) as db, db.begin():
            conv = db.get(Conversation, session_id) if session_id else None
            if conv is None:
                conv = Conversation(id=session_id or uuid.uuid4().hex[:12])
                db.add(conv)
            if level is not None:
                conv.level = level.id
            if target is not None:
                conv.target = target.id
            return conv.id

    def memory(self, session_id: str, framework: Framework) -> Memory:
        with Session(self.engine) as db:
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
            return mem

    def recent(self, session_id: str, n: int = 3) -> list[tuple[str, str]]:
        with Session(self.engine) as db:
            conv = db.get(Conversation, session_id)
            return [(t.question, t.answer.answer) for t in conv.turns[-n:]] if conv else []

    def record(self, session_id: str, answer: Answer, intent: str, goal: Level | None, levels: list[Level],
               level: Level | None, target: Level | None) -> int:
        with Session(self.engine) as db, db.begin():
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

    def set_profile(self, session_id: str, level: Level | None, target: Level | None) -> None:
        with Session(self.engine) as db, db.begin():
            conv = db.get(Conversation, session_id)
            if conv is None:
                conv = Conversation(id=session_id)
                db.add(conv)
            conv.level = level.id if level else None
            conv.target = target.id if target else None

    def conversations(self) -> list[dict]:
        with Session(self.engine) as db:
            rows = db.scalars(select(Conversation).order_by(Conversation.updated_at.desc())).all()
            return [{"id": c.id, "title": c.title, "level": c.level, "target": c.target,
                     "updated_at": c.updated_at.isoformat(), "turns": len(c.turns)} for c in rows]

    def profile(self, session_id: str) -> tuple[str | None, str | None]:
        with Session(self.engine) as db:
            conv = db.get(Conversation, session_id)
            return (conv.level, conv.target) if conv else (None, None)

    def turns(self, session_id: str) -> list[dict]:
        with Session(self.engine) as db:
            conv = db.get(Conversation, session_id)
            if conv is None:
                return []
            return [{"id": t.id, "question": t.question, "answer": t.answer, "feedback": t.feedback}
                    for t in conv.turns]

    def delete(self, session_id: str) -> None:
        with Session(self.engine) as db, db.begin():
            conv = db.get(Conversation, session_id)
            if conv is not None:
                db.delete(conv)

    def set_feedback(self, turn_id: int, value: int | None) -> None:
        if value not in (1, -1, None):
            raise InputError("Feedback is +1 (helpful) or -1 (not helpful).")
        with Session(self.engine) as db, db.begin():
            turn = db.get(Turn, turn_id)
            if turn is None:
                raise InputError(f"There is no answer {turn_id} to rate.")
            turn.feedback = value

    def export_markdown(self, session_id: str) -> str:
        with Session(self.engine) as db:
            conv = db.get(Conversation, session_id)
            if conv is None:
                raise InputError(f"There is no conversation '{session_id}'.")
            lines = [f"# {conv.title}", ""]
            for t in conv.turns:
                a = t.answer
                lines += [f"**You:** {t.question}", "", f"**Mentor:** {a.answer}", ""]
                if a.citations:
                    lines.append("Sources:")
                    lines += [f"- [{c.n}] {c.section} ({c.source}): \"{c.quote}\"" for c in a.citations]
                    lines.append("")
            return "\n".join(lines)
