"""The grounded engine: a mentor's reply composed from the ladder and the passages, no LLM.

Every sentence it writes is either a sentence of a passage or a ladder fact
phrased with the words of the section headings that back it, so the citation
check can confirm each one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mentor.engines import AnswerContext, register
from mentor.framework import Level
from mentor.retrieve import Passage
from mentor.text import NUMBERISH, near_match, split_sentences, tokenize

ADVICE_PER_STEP = 4


def passage_sentences(passage: Passage) -> list[str]:
    return [s for line in passage.text.splitlines() for s in split_sentences(line)]


_COUNT_QUESTION = re.compile(r"\bhow\s+(many|much|long|often)\b", re.I)


def _sentence_score(sentence: str, query: str, words: set[str] | None = None) -> float:
    """Shared words (near matches, like manage ~ managers, count half), plus a bonus for a
    number when the question asks how many."""
    words = words if words is not None else set(tokenize(query))
    have = set(tokenize(sentence))
    exact = len(words & have)
    near = sum(1 for w in words - have if near_match(w, have))
    return exact + 0.5 * near + (3 if _COUNT_QUESTION.search(query) and NUMBERISH.search(sentence) else 0)


def ranked_sentences(passage: Passage, query: str, n: int, keep_order: bool = True) -> list[str]:
    """The n sentences of a passage closest to the query, earlier sentences first on ties."""
    words = set(tokenize(query))
    sentences = passage_sentences(passage)

    def score(i: int) -> tuple:
        return (-_sentence_score(sentences[i], query, words), i)

    scored = sorted(range(len(sentences)), key=score)[:n]
    return [sentences[i] for i in (sorted(scored) if keep_order else scored)]


class GroundedEngine:
    name = "grounded"
    streams = False

    def __init__(self, mentor=None):
        self.mentor = mentor

    def status(self) -> str:
        return "ready (no LLM needed)"

    def reachable(self) -> bool:
        return True

    def generate(self, ctx: AnswerContext) -> Iterator[str]:
        compose = getattr(self, f"_{ctx.understanding.intent}", self._general)
        text = compose(ctx) or self._general(ctx)
        yield text

    # ---- helpers -------------------------------------------------------------

    @staticmethod
    def _section(ctx: AnswerContext, heading: str) -> list[Passage]:
        return [p for p in ctx.passages.values() if p.metadata.get("heading") == heading
                and p.metadata.get("kind") != "framework"]

    @staticmethod
    def _framework(ctx: AnswerContext, heading: str) -> list[Passage]:
        return [p for p in ctx.passages.values() if p.metadata.get("kind") == "framework"
                and p.metadata.get("heading") == heading]

    def _cited(self, ctx: AnswerContext, passage: Passage, sentences: list[str]) -> str:
        n = ctx.number_of(passage)
        return " ".join(f"{s.rstrip()} [{n}]" for s in sentences)

    def _about_level(self, ctx: AnswerContext, level: Level, query: str, n: int = 2, duties: bool = True) -> list[str]:
        parts = []
        for passage in self._section(ctx, level.section)[:1]:
            parts.append(self._cited(ctx, passage, passage_sentences(passage)[:1] + ranked_sentences(passage, query, n)[1:n]))
        if duties:
            for passage in self._section(ctx, "Duties and Responsibilities"):
                if level.id in passage.levels:
                    parts.append(self._cited(ctx, passage, ranked_sentences(passage, query, n)))
                    break
        return parts

    # ---- one composer per intent -------------------------------------------

    def _path(self, ctx: AnswerContext) -> str | None:
        facts = ctx.ladder
        path = facts.path
        if path is None:
            return None
        fw = ctx.framework
        if path.status == "same":
            return self._duties(ctx)
        if not path.reachable:
            return None  # the pipeline explains the missing route; passages follow in _general
        lines = []
        names = " → ".join(lvl.name for lvl in path.levels)
        steps = fw.steps(path)
        step_passages = [self._section(ctx, t.section) for t in steps]
        route = self._framework(ctx, "Route")
        track = fw.tracks[path.goal.track]
        cite = f" [{ctx.number_of(route[0])}]" if route else ""
        plural = "s" if len(steps) > 1 else ""
        lines.append(f"The route is {names}: {len(steps)} step{plural}, ending on the {track} track{cite}.")
        for t, passages in zip(steps, step_passages):
            if not passages:
                continue
            a, b = fw.by_id[t.from_], fw.by_id[t.to]
            lines.append("")
            lines.append(f"**{a.name} → {b.name}**")
            lines.append("")
            advice = ranked_sentences(passages[0], f"{ctx.question} {b.name} become", ADVICE_PER_STEP)
            lines.append(self._cited(ctx, passages[0], advice))
            changes = [s for p in passages for s in passage_sentences(p)
                       if re.search(r"\bbut\b|\brather than\b|\bmore important\b|\bstart the\b", s, re.I)
                       and s not in advice]
            if changes:
                lines.append(f"- {self._cited(ctx, passages[0], changes[:1])}")
        alt = facts.alternative
        if alt is not None and alt.reachable and len(alt.levels) > 1:
            other = alt.goal
            lines.append("")
            lines.append(f"**The other track: {other.name}**")
            lines.append("")
            alt_route = [p for p in self._framework(ctx, "Route") if p.levels >= {lvl.id for lvl in alt.levels}]
            if alt_route:
                lines.append(f"If you would rather not manage people: {' → '.join(lvl.name for lvl in alt.levels)} "
                             f"[{ctx.number_of(alt_route[0])}].")
            for passage in self._section(ctx, other.section)[:1]:
                picks = [s for s in passage_sentences(passage)
                         if re.search(r"manag|path|individual contributor|does not", s, re.I)][:2]
                lines.append(self._cited(ctx, passage, picks or passage_sentences(passage)[:1]))
        return "\n".join(lines)

    def _next(self, ctx: AnswerContext) -> str | None:
        fw = ctx.framework
        start = ctx.understanding.source_level or ctx.level
        if start is None:
            return None
        if not ctx.ladder.next_levels:  # the top of a track: what the role itself asks for
            return "\n\n".join(self._about_level(ctx, start, ctx.question, n=2)) or None
        lines = []
        for nxt in ctx.ladder.next_levels:
            t = fw.transition(start.id, nxt.id)
            passages = self._section(ctx, t.section) if t else []
            if not passages:
                continue
            track = fw.tracks[nxt.track]
            lines += [f"**{start.name} → {nxt.name}**", ""]
            card = [p for p in self._framework(ctx, "Next steps") if nxt.id in p.levels]
            intro = f"{nxt.name} is a next step up, on the {track} track [{ctx.number_of(card[0])}]. " if card else ""
            advice = ranked_sentences(passages[0], f"{ctx.question} {nxt.name}", ADVICE_PER_STEP)
            lines += [intro + self._cited(ctx, passages[0], advice), ""]
        return "\n".join(lines).strip() or None

    def _duties(self, ctx: AnswerContext) -> str | None:
        levels = ctx.understanding.mentioned or ([ctx.ladder.path.goal] if ctx.ladder.path else [])
        if not levels:
            return None
        parts = []
        for level in levels[:2]:
            if len(levels) > 1:
                parts.append(f"**{level.name}**")
            parts.extend(self._about_level(ctx, level, ctx.question + " responsible duties", n=3))
        return "\n\n".join(parts) or None

    def _compare(self, ctx: AnswerContext) -> str | None:
        u = ctx.understanding
        fw = ctx.framework
        lines = []
        levels = ctx.ladder.compared
        # Passages that name the confusion itself come first: that is the article's own answer.
        for heading in ctx.ladder.confusion_sections:
            for passage in self._section(ctx, heading)[:1]:
                names = [t for lvl in levels for t in fw.aliases_of(lvl)] + u.terms
                picks = [s for s in passage_sentences(passage)
                         if sum(bool(re.search(rf"\b{re.escape(n)}", s, re.I)) for n in names) >= 1
                         and re.search(r"confus|vs|same|path|mix|depend|differ", s, re.I)]
                if picks:
                    lines.append(self._cited(ctx, passage, picks[:2]))
        if len(levels) == 1 and not u.terms:
            level = levels[0]
            said = list(dict.fromkeys(m.text for m in fw.find_levels(ctx.question)))
            for card in self._framework(ctx, level.name)[:1]:
                lines.insert(0, f"Yes: {' and '.join(said)} name the same level, {level.name} [{ctx.number_of(card)}].")
            for passage in self._section(ctx, "Duties and Responsibilities"):
                if level.id in passage.levels:
                    lines.append(self._cited(ctx, passage, passage_sentences(passage)[:1]))
        else:
            for level in levels[:2]:
                about = self._about_level(ctx, level, ctx.question, n=1, duties=False)
                card = self._framework(ctx, level.name)
                track = (f"{level.name} is one level of the {fw.tracks[level.track]} track "
                         f"[{ctx.number_of(card[0])}]. ") if card else ""
                if about or track:
                    lines.append(f"- **{level.name}**: {track}{about[0] if about else ''}")
        return "\n\n".join(lines) or None

    def _statement(self, ctx: AnswerContext) -> str | None:
        if ctx.ladder.next_levels:
            return self._next(ctx)
        level = ctx.level
        return "\n\n".join(self._about_level(ctx, level, ctx.question, n=2)) if level else None

    def _factual(self, ctx: AnswerContext) -> str | None:
        """The single best sentence among the top passages: a fact, not a tour."""
        query = ctx.question
        ranked = sorted((p for p in ctx.passages.values() if p.rank), key=lambda p: p.rank)[:4]
        best, best_key = None, None
        for passage in ranked:
            for sentence in ranked_sentences(passage, query, 1):
                key = (_sentence_score(sentence, query), -passage.rank)
                if best_key is None or key > best_key:
                    best, best_key = (passage, sentence), key
        return self._cited(ctx, best[0], [best[1]]) if best else None

    def _greeting(self, ctx: AnswerContext) -> str:
        return ""

    def _general(self, ctx: AnswerContext, sentences: int = 3, passages: int = 3) -> str:
        """The sentences that best answer the question among the top passages, grouped by passage."""
        ranked = sorted((p for p in ctx.passages.values() if p.rank), key=lambda p: p.rank)[:passages]
        words = set(tokenize(ctx.question))
        scored = [(_sentence_score(s, ctx.question, words) - 0.25 * p.rank, p.rank, i, p, s)
                  for p in ranked for i, s in enumerate(passage_sentences(p))]
        top = max((x[0] for x in scored), default=0)
        # Only sentences close to the best one: a weak match is noise, not an answer.
        best = sorted((x for x in scored if x[0] > 0 and x[0] >= 0.6 * top), key=lambda x: (-x[0], x[1], x[2]))[:sentences]
        out = []
        for passage in ranked:
            picks = [s for _, _, i, p, s in sorted(best, key=lambda x: x[2]) if p.chunk_id == passage.chunk_id]
            if picks:
                out.append(self._cited(ctx, passage, picks))
        return "\n\n".join(out)


@register("grounded")
def _factory(mentor=None):
    return GroundedEngine(mentor)
