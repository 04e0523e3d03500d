"""The Mentor: one API that the CLI, the UI and the evals all call."""

from __future__ import annotations

import time
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

from mentor.answer import Answer
from mentor.errors import InputError, MentorError
from mentor.framework import Framework, Level
from mentor.settings import Settings


class Mentor:
    def __init__(self, settings: Settings, framework: Framework | None = None, embedder=None, store=None):
        self.settings = settings
        self._framework = framework
        self._embedder = embedder
        self._store = store

    @classmethod
    def from_settings(cls, **overrides) -> Mentor:
        """Settings from the environment, with keyword overrides of any field."""
        return cls(Settings(**overrides))

    # ---- parts, built on first use so a cold start pays only for what it needs

    @cached_property
    def framework(self) -> Framework:
        """The chosen ladder's framework (setting `ladder`), else the general one."""
        from mentor.ladders import load_ladder

        return self._framework or load_ladder(self.settings, self.settings.ladder)

    @cached_property
    def ladder_preference(self):
        """Which documents' passages come first: the chosen ladder's, or the company a question names."""
        from mentor.ladders import ladder_preference

        indexed = {source: path for source, (_, _, path) in self.ingest_state.files().items()}
        return ladder_preference(self.settings, self.settings.ladder, indexed)

    @cached_property
    def company_ladders(self) -> list[tuple[Framework, set[str], str]]:
        """Each saved company ladder that validates, with the indexed sources of its document and its name."""
        from mentor.errors import FrameworkError
        from mentor.framework import load_framework
        from mentor.ladders import GENERAL, ladder_paths, ladder_sources

        indexed = {source: path for source, (_, _, path) in self.ingest_state.files().items()}
        out = []
        for name, path in ladder_paths(self.settings).items():
            try:
                fw = load_framework(path) if name != GENERAL else None
            except FrameworkError:
                continue
            if fw is not None:
                out.append((fw, ladder_sources(self.settings, fw, indexed), name))
        return out

    @cached_property
    def general_framework(self) -> Framework:
        from mentor.ladders import load_ladder

        return load_ladder(self.settings)

    def for_question(self, question: str) -> Mentor:
        """The mentor of the company ladder a question names ("at Acme", "Acme's framework", "our ladder")
        when that ladder is not the chosen one: the question is read on that company's own levels. It shares
        this one's store, history and models; only the ladder and what is built on it differ."""
        from mentor.pipeline import named_sources

        named = named_sources(self, question) if self.company_ladders else set()
        ladder = next((name for _, sources, name in self.company_ladders if sources & named), None)
        if ladder is None or ladder == self.settings.ladder:
            return self
        siblings = self.__dict__.setdefault("_siblings", {})
        if ladder not in siblings:
            sibling = Mentor(self.settings.model_copy(update={"ladder": ladder}), embedder=self.embedder,
                             store=self.store)
            for shared in ("ingest_state", "history", "sentences", "verifier", "company_ladders",
                           "general_framework"):
                sibling.__dict__[shared] = getattr(self, shared)
            siblings[ladder] = sibling
        return siblings[ladder]

    def ladder_diff(self, a: str, b: str):
        """Rows of what changes from level a to level b on the chosen ladder, each side with its passages."""
        from mentor.ladders import level_diff

        level_a, level_b = self.framework.resolve(a), self.framework.resolve(b)
        self.store.collection()  # IndexMissingError with the command to run
        indexed = {source: path for source, (_, _, path) in self.ingest_state.files().items()}
        return level_diff(self.store, self.settings, self.framework, level_a, level_b, indexed)

    def level_parts(self, level: Level) -> list[tuple[str, str, str, str]]:
        """What the chosen company ladder's document says of one level, competency by competency, in its
        order (none for the general ladder, whose article is prose), cached per ingest generation."""
        from mentor.ladders import level_parts

        return self._from_ladder_document(("parts", level.id), lambda indexed: level_parts(
            self.store, self.settings, self.framework, level, indexed))

    def step_chunks(self, a: Level, b: Level) -> list[str]:
        """Passages of the chosen company ladder's document with a line labelled by the step from a to b."""
        from mentor.ladders import labelled_steps

        steps = self._from_ladder_document(("steps",), lambda indexed: labelled_steps(
            self.store, self.settings, self.framework, indexed)) or {}  # read once for every step
        return steps.get((a.id, b.id), [])

    def switching_chunks(self) -> list[str]:
        """Passages of the chosen company ladder's document on changing tracks."""
        from mentor.ladders import switching_chunks

        return self._from_ladder_document(("switching",), lambda indexed: switching_chunks(
            self.store, self.settings, self.framework, indexed))

    def lineup_chunks(self) -> list[str]:
        """Passages of the chosen company ladder's document that pair levels of its tracks."""
        from mentor.ladders import lineup_chunks

        return self._from_ladder_document(("lineup",), lambda indexed: lineup_chunks(
            self.store, self.settings, self.framework, indexed))

    def _from_ladder_document(self, what: tuple, read):
        """What ``read`` finds in the chosen company ladder's document, cached per ingest generation: nothing
        for the general ladder, whose article is prose, nor when the document is not indexed (the answer then
        comes from retrieval alone)."""
        from mentor.ladders import GENERAL

        if self.settings.ladder in (None, GENERAL) or not self.framework.document:
            return []
        cache = self.__dict__.setdefault("_ladder_document_cache", {})
        key = (self.ingest_state.generation, *what)
        if key not in cache:
            indexed = {source: path for source, (_, _, path) in self.ingest_state.files().items()}
            try:
                cache[key] = read(indexed)
            except InputError:
                cache[key] = []
        return cache[key]

    @cached_property
    def store(self):
        from mentor.store import PassageStore

        return self._store or PassageStore(self.settings)

    @cached_property
    def embedder(self):
        from mentor.embeddings import make_embedder

        return self._embedder or make_embedder(self.settings)

    @cached_property
    def ingest_state(self):
        from mentor.state import open_state

        return open_state(self.settings, self.store)

    @cached_property
    def retriever(self):
        from mentor.keywords import KeywordIndex
        from mentor.retrieve import Retriever

        self.store.collection()  # IndexMissingError with the command to run, before anything slow
        keyword = KeywordIndex(self.settings, self.store, self.ingest_state)
        retriever = Retriever(self.settings, self.framework, self.embedder, self.store, keyword)
        retriever.ladders = self.ladder_preference
        return retriever

    @cached_property
    def history(self):
        from mentor.history import History

        return History(self.settings.history_database_url, log_text=self.settings.debug)

    @cached_property
    def engine(self):
        from mentor.engines import make_engine

        return make_engine(self.settings.engine, self)

    @cached_property
    def sentences(self):
        from mentor.sentences import SentenceIndex

        return SentenceIndex(self.store)

    @cached_property
    def reader(self):
        from mentor.embeddings import embedder_identity
        from mentor.understand import Reader

        vocabulary = self.retriever.keyword.ensure_fresh().vocabulary()
        reader = Reader.build(self.framework, self.embedder, embedder_identity(self.settings),
                              self.settings.index_dir / "prototypes", vocabulary, english_words(self.settings),
                              examples_framework=self.general_framework)
        if self.ladder_preference is not None:
            reader.references = self.ladder_preference.without_references
            reader.names = frozenset({*self.ladder_preference.named, *self.ladder_preference.documents})
        return reader

    @cached_property
    def verifier(self):
        from mentor.verify import Verifier

        return Verifier(self.embedder)

    # ---- the API

    def level(self, name: str | None) -> Level | None:
        return self.framework.resolve(name) if name else None

    def search(self, query: str, k: int | None = None, level: str | None = None, target: str | None = None):
        if not query or not query.strip():
            raise InputError("The search query is empty.")
        k = self.settings.top_k if k is None else k
        if k <= 0:
            raise InputError(f"k must be a positive number of passages, not {k}.")
        return self.retriever.search(query.strip(), k=k, level=self.level(level), target=self.level(target))

    def index_info(self) -> dict:
        """Documents, and when they were last ingested, for status displays."""
        from datetime import datetime

        stamp = self.ingest_state.get("last_ingest")
        when = datetime.fromtimestamp(float(stamp)).strftime("%Y-%m-%d %H:%M") if stamp else "never"
        return {"documents": len(self.ingest_state.files()), "last_ingest": when}

    def open_session(self, session: str | None = None, level: str | None = None, target: str | None = None) -> str:
        return self.history.open(session, level=self.level(level), target=self.level(target))

    def ask(self, question: str, level: str | None = None, target: str | None = None,
            session: str | None = None) -> Answer:
        answer = None
        for part in self.stream(question, level=level, target=target, session=session):
            if isinstance(part, Answer):
                answer = part
        assert answer is not None
        return answer

    def stream(self, question: str, level: str | None = None, target: str | None = None,
               session: str | None = None) -> Iterator[str | Answer]:
        """Text pieces as the engine writes them, then the checked, final Answer."""
        from mentor.pipeline import answer_stream

        started = time.perf_counter()
        mentor = self.for_question(question) if isinstance(question, str) else self
        if mentor is not self:  # the user's level as that company's ladder names it, if it does
            level, target = (next((m.level for m in mentor.framework.find_levels(name)), None) if name else None
                             for name in (level, target))
        else:
            level, target = self.level(level), self.level(target)
        yield from answer_stream(mentor, question, level=level, target=target, session=session, started=started)


def english_words(settings: Settings) -> tuple[str, ...]:
    """Whole words of the embedding model's vocabulary: a ready list of common English words."""
    from mentor.embeddings import model_path

    try:
        vocab = (Path(model_path(settings.embedding_model)) / "vocab.txt").read_text(encoding="utf-8").split()
    except (OSError, MentorError):
        return ()
    return tuple(dict.fromkeys(w for w in vocab if w.isalpha() and w.islower()))
