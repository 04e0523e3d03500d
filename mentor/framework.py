"""The career framework: levels, aliases, transitions and title confusions, from YAML."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from mentor.errors import FrameworkError, InputError
from mentor.text import clean_text, tokenize


class Level(BaseModel):
    id: str
    name: str
    track: str
    rank: int
    section: str
    aliases: list[str] = Field(default_factory=list)


class Transition(BaseModel):
    from_: str = Field(alias="from")
    to: str
    section: str


class Confusion(BaseModel):
    id: str
    terms: list[str]
    section: str
    undefined: list[str] = Field(default_factory=list)


NAMED_CACHE_MAX = 50_000  # sentences whose named levels are remembered: a large corpus's, a few MB
# Where a sentence names what it is about: its first three words ("Staff PMs report to …"); a fourth would
# take in the object of a field ("Reports to: a Group PM").
_OPENING = re.compile(r"^\W*(?:\S+\s+){0,3}")


class Framework(BaseModel):
    name: str
    document: str | None = None
    tracks: dict[str, str]
    levels: list[Level]
    transitions: list[Transition] = Field(default_factory=list)
    confusions: list[Confusion] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Framework:
        if not self.levels:
            raise ValueError("it names no levels; list at least one under 'levels'")
        ids = [lvl.id for lvl in self.levels]
        if len(set(ids)) != len(ids):
            raise ValueError(f"level ids repeat: {sorted({i for i in ids if ids.count(i) > 1})}")
        for lvl in self.levels:
            if lvl.track not in self.tracks:
                raise ValueError(f"level '{lvl.id}' is on unknown track '{lvl.track}'")
        owner: dict[str, str] = {}
        for lvl in self.levels:
            for alias in {normalize(a) for a in [lvl.name, lvl.id, *lvl.aliases]}:
                if alias in owner and owner[alias] != lvl.id:
                    raise ValueError(f"alias '{alias}' names both '{owner[alias]}' and '{lvl.id}'")
                owner[alias] = lvl.id
        for t in self.transitions:
            for end in (t.from_, t.to):
                if end not in ids:
                    raise ValueError(f"transition {t.from_} -> {t.to} names unknown level '{end}'")
        return self

    # ---- look-ups -------------------------------------------------------

    @cached_property
    def by_id(self) -> dict[str, Level]:
        return {lvl.id: lvl for lvl in self.levels}

    @cached_property
    def alias_words(self) -> frozenset[str]:
        """Every word of every level's names: the ladder's own words, never a question's topic."""
        return frozenset(w for lvl in self.levels for a in self.aliases_of(lvl) for w in tokenize(a))

    @cached_property
    def _alias_owner(self) -> dict[str, str]:
        return {
            normalize(a): lvl.id for lvl in self.levels for a in [lvl.name, lvl.id, *lvl.aliases]
        }

    @cached_property
    def _alias_pattern(self) -> re.Pattern[str]:
        # Longest alias first, so "Senior PM" wins over "PM".
        names = sorted(self._alias_owner, key=len, reverse=True)
        body = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)
        return re.compile(rf"(?<![\w/])(?P<alias>{body})(?:s|'s)?(?![\w/])", re.IGNORECASE)

    def resolve(self, text: str) -> Level:
        """The level a name or alias stands for; InputError if none."""
        level_id = self._alias_owner.get(normalize(text))
        if level_id is None:
            known = ", ".join(lvl.name for lvl in self.levels)
            shown = " ".join(clean_text(text).split())[:80]  # one line, whatever was typed
            raise InputError(f"'{shown}' is not a level this framework knows; try one of: {known}.")
        return self.by_id[level_id]

    def find_levels(self, text: str) -> list[LevelMention]:
        """Every level named in free text, in order of appearance."""
        # "Sr." -> "Sr " keeps offsets while matching the normalized alias.
        scan = re.sub(r"(?i)\bsr\.", lambda m: m.group(0)[:2] + " ", text)
        return [
            LevelMention(self.by_id[self._alias_owner[normalize(m.group("alias"))]], m.start(), m.end(), m.group(0))
            for m in self._alias_pattern.finditer(scan)
        ]

    @cached_property
    def _ids_named(self) -> dict[str, tuple[str, ...]]:
        return {}

    def subject_level_ids(self, text: str) -> tuple[str, ...]:
        """The ids of the levels a sentence is about, in order: named in its first words ("Staff PMs report to
        a Director", "The Head of Product is …"), not further on ("Direct reports: 2 to 4 Group PMs" is not
        about Group PMs). Remembered, since the same stored sentences are read for question after question."""
        ids = self._ids_named.get(text)
        if ids is None:
            if len(self._ids_named) >= NAMED_CACHE_MAX:
                self._ids_named.clear()
            opening = _OPENING.match(text).end()
            ids = self._ids_named[text] = tuple(dict.fromkeys(
                m.level.id for m in self.find_levels(text) if m.start < opening))
        return ids

    def without_levels(self, text: str) -> str:
        """The text without the levels it names."""
        for m in sorted(self.find_levels(text), key=lambda m: m.start, reverse=True):
            text = text[:m.start] + text[m.end:]
        return " ".join(text.split()) or text

    def aliases_of(self, level: Level) -> list[str]:
        return list(dict.fromkeys([level.name, *level.aliases]))

    def transition(self, from_id: str, to_id: str) -> Transition | None:
        return next((t for t in self.transitions if t.from_ == from_id and t.to == to_id), None)

    def next_levels(self, level: Level) -> list[Level]:
        return [self.by_id[t.to] for t in self.transitions if t.from_ == level.id]

    def previous_levels(self, level: Level) -> list[Level]:
        return [self.by_id[t.from_] for t in self.transitions if t.to == level.id]

    def track_levels(self, track: str) -> list[Level]:
        return sorted((lvl for lvl in self.levels if lvl.track == track), key=lambda lvl: lvl.rank)

    def path(self, start: Level, goal: Level) -> LadderPath:
        """Shortest upward route through the transitions, or why there is none."""
        if start.id == goal.id:
            return LadderPath(start, goal, [start], "same")
        parents: dict[str, str | None] = {start.id: None}
        queue = deque([start.id])
        while queue:
            here = queue.popleft()
            for t in self.transitions:
                if t.from_ == here and t.to not in parents:
                    parents[t.to] = here
                    queue.append(t.to)
        if goal.id not in parents:
            status = "downward" if goal.rank <= start.rank else "unreachable"
            return LadderPath(start, goal, [], status)
        steps = [goal.id]
        while (prev := parents[steps[-1]]) is not None:
            steps.append(prev)
        return LadderPath(start, goal, [self.by_id[i] for i in reversed(steps)], "up")

    def steps(self, path: LadderPath) -> list[Transition]:
        return [self.transition(a.id, b.id) for a, b in zip(path.levels, path.levels[1:])]  # type: ignore[misc]

    def confusions_about(self, level_ids: set[str]) -> list[Confusion]:
        return [c for c in self.confusions if level_ids & set(c.terms)]


@dataclass(frozen=True)
class LevelMention:
    level: Level
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class LadderPath:
    start: Level
    goal: Level
    levels: list[Level]
    status: str  # up | same | downward | unreachable

    @property
    def reachable(self) -> bool:
        return self.status in ("up", "same")


def normalize(name: str) -> str:
    return re.sub(r"\s+", " ", name.strip().lower().replace("sr.", "sr"))


def load_framework(path: Path) -> Framework:
    """Read and validate a framework file; FrameworkError says what is wrong."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FrameworkError(f"The career framework file {path} does not exist.") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        why = " ".join(str(exc).split()).rstrip(".")  # YAML errors span lines; one sentence here
        raise FrameworkError(f"The career framework file {path} cannot be read: {why}.") from None
    if not isinstance(raw, dict):
        raise FrameworkError(f"The career framework file {path} is not a YAML mapping.")
    return validated(raw, f"The career framework file {path}")


def validated(raw: dict, what: str) -> Framework:
    """A Framework from parsed YAML; FrameworkError names the first problem in one sentence."""
    try:
        return Framework.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        raise FrameworkError(f"{what} is invalid{' at ' + where if where else ''}: {message}.") from None
