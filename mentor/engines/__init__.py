"""Engines write the answer text; every engine is registered the same way.

An engine gets an ``AnswerContext`` (the question, the user's level, the
numbered passages and the ladder facts) and yields Markdown text pieces with
``[n]`` markers. What it writes then goes through the citation check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from mentor.errors import ConfigError
from mentor.framework import Framework, LadderPath, Level
from mentor.retrieve import Passage
from mentor.understand import Understanding


@dataclass
class LadderFacts:
    """What the framework says about this question, with the sections that back it."""

    path: LadderPath | None = None
    step_sections: list[str] = field(default_factory=list)
    alternative: LadderPath | None = None  # the other track's route, when there is one
    # No upward route across tracks ("Principal PM to Director"): the goal's own track, from where it meets
    # the start's rank.
    way_in: LadderPath | None = None
    start: Level | None = None  # where next steps are counted from
    next_levels: list[Level] = field(default_factory=list)
    compared: list[Level] = field(default_factory=list)
    confusion_sections: list[str] = field(default_factory=list)
    undefined_terms: list[str] = field(default_factory=list)
    diff: list = field(default_factory=list)  # ladders.DiffRow: two levels side by side, competency by competency
    overall: list = field(default_factory=list)  # the two levels' introductions, side by side
    whole_ladder: bool = False  # the question is about the ladder itself: its levels, tracks, top and bottom
    on_track: Level | None = None  # "is X on the IC track?": the one level named, placed on its track
    track_listed: str | None = None  # "explain the IC path": one track named and no level, its levels in order
    # The one level asked about, as its company ladder's document says it: (competency, text, chunk id, source).
    own: list = field(default_factory=list)
    # Each level of a route longer than one step, with its company ladder's text: (level, parts).
    along: list = field(default_factory=list)

    def describe(self, framework: Framework) -> str:
        """The facts as plain lines, for an LLM prompt."""
        lines = []
        if self.path is not None:
            if self.path.reachable:
                lines.append("Route: " + " → ".join(lvl.name for lvl in self.path.levels))
            else:
                lines.append(f"No upward route from {self.path.start.name} to {self.path.goal.name} in this ladder.")
        if self.way_in is not None:
            lines.append(f"{self.way_in.goal.name}'s own track: " + " → ".join(lvl.name for lvl in self.way_in.levels))
        if self.alternative is not None and self.alternative.reachable:
            lines.append("Other track: " + " → ".join(lvl.name for lvl in self.alternative.levels))
        if self.on_track is not None:
            lines.append(f"{self.on_track.name} is on the {framework.tracks[self.on_track.track]} track")
        for lvl in self.next_levels:
            lines.append(f"A next step: {lvl.name} ({framework.tracks[lvl.track]} track)")
        for lvl in self.compared:
            lines.append(f"{lvl.name}: {framework.tracks[lvl.track]} track, rank {lvl.rank}; also called "
                         + ", ".join(a for a in lvl.aliases if a != lvl.name))
        for term in self.undefined_terms:
            lines.append(f"The sources name '{term}' but do not define it.")
        return "\n".join(lines)


@dataclass
class AnswerContext:
    question: str  # standalone form
    message: str  # as the user wrote it
    understanding: Understanding
    framework: Framework
    passages: dict[int, Passage]  # numbered from 1
    ladder: LadderFacts
    level: Level | None = None
    target: Level | None = None
    history: list[tuple[str, str]] = field(default_factory=list)  # (question, answer) pairs
    ranked: list = field(default_factory=list)  # select.Candidate: sentences ranked against the question
    preferred: set[str] = field(default_factory=set)  # sources of the chosen or named company ladder

    def number_of(self, passage: Passage) -> int:
        return next(n for n, p in self.passages.items() if p.chunk_id == passage.chunk_id)


class Engine(Protocol):
    name: str
    streams: bool

    def generate(self, ctx: AnswerContext) -> Iterator[str]: ...

    def status(self) -> str: ...

    def reachable(self) -> bool: ...


ENGINES: dict[str, Callable[..., Engine]] = {}


def register(name: str):
    def decorate(factory):
        ENGINES[name] = factory
        return factory

    return decorate


def make_engine(name: str, mentor) -> Engine:
    from mentor.engines import grounded, llm  # noqa: F401  (register the built-in engines)

    try:
        factory = ENGINES[name]
    except KeyError:
        raise ConfigError(f"Unknown engine '{name}'; choose one of: {', '.join(sorted(ENGINES))}.") from None
    return factory(mentor)
