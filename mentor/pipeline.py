"""One question, end to end: understand → retrieve → ladder facts → engine → citation check → store."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

from mentor.answer import Answer, Citation
from mentor.engines import AnswerContext, LadderFacts
from mentor.errors import EngineUnavailableError, InputError
from mentor.framework import Framework, Level
from mentor.retrieve import Passage
from mentor.text import NUMBERISH, near_match, tokenize
from mentor.understand import Memory, Understanding, understand, what_about

MAX_QUESTION_CHARS = 2000
# Words every career question uses: they show no topic of their own.
GENERIC = frozenset(tokenize(
    """product manager management pm pms career level levels role roles job title titles become becoming get getting
    go move step steps next path route ladder track promoted promotion advance grow want need know tell explain
    like would could should about way ways good best help someone one people work company companies team senior
    lead principal director head group associate junior new just now currently really also much many more most
    thing things difference differences same compare versus vs mean means question questions answer please hi make
    take long time come comes came after before then first last focus should start starting usually typically
    often generally normally actually exactly article post source sources document text say says mention mentions"""
))
_FIGURE = re.compile(r"\b(how\s+much|salar\w*|pay|paid|earn\w*|compensation|income|money|wage\w*|bonus\w*|equity|"
                     r"how\s+many|percent\w*|how\s+long|how\s+old|years?)\b|\$", re.IGNORECASE)
# "Which sites does the article cite for salary data?" asks about the sources, not for a figure.
_ABOUT_SOURCES = re.compile(r"^\s*(which|where|who)\b|\b(sites?|sources?|cite[sd]?)\b", re.IGNORECASE)


def _resolve_profile(u: Understanding, level: Level | None, target: Level | None, memory: Memory):
    current = level or u.stated_level or memory.level
    goal_target = target or u.stated_target or memory.target
    return current, goal_target


def ladder_facts(u: Understanding, fw: Framework, level: Level | None, target: Level | None) -> LadderFacts:
    facts = LadderFacts()
    if u.intent == "path":
        goal = u.goal or target or (u.mentioned[-1] if u.mentioned else None)
        others = [lvl for lvl in u.mentioned if goal is None or lvl.id != goal.id]
        start = u.source_level or level or (others[0] if others else None)
        if start is None and goal is not None:
            # No stated level: show the whole climb from the bottom of the goal's track.
            firsts = [lvl for lvl in fw.levels if not fw.previous_levels(lvl)]
            start = next((f for f in firsts if fw.path(f, goal).reachable), None)
        if start is not None and goal is not None:
            facts.path = fw.path(start, goal)
            u.goal = goal
            facts.step_sections = [t.section for t in fw.steps(facts.path)] if facts.path.reachable else []
            facts.alternative = _other_track(fw, start, goal)
    if u.intent in ("next", "statement"):
        start = u.source_level or (u.mentioned[0] if u.intent == "next" and u.mentioned else None) or level
        u.source_level = start
        if start is not None:
            facts.next_levels = fw.next_levels(start)
            facts.step_sections = [fw.transition(start.id, n.id).section for n in facts.next_levels]
    if u.intent == "compare":
        facts.compared = u.mentioned
        ids = {lvl.id for lvl in u.mentioned}
        for c in fw.confusions:
            if (ids and ids <= set(c.terms)) or (set(u.terms) & set(c.terms)):
                facts.confusion_sections.append(c.section)
                facts.undefined_terms += [t for t in c.undefined if t in u.terms]
    return facts


def _other_track(fw: Framework, start: Level, goal: Level):
    """From a level that branches, the best reachable top of the track not taken."""
    branches = [n for n in fw.next_levels(start) if n.track != goal.track]
    if not branches or goal.track == start.track and not any(n.track != start.track for n in fw.next_levels(start)):
        return None
    tops = [lvl for lvl in fw.track_levels(branches[0].track) if fw.path(start, lvl).reachable]
    return fw.path(start, tops[-1]) if tops else None


def _sections_needed(u: Understanding, facts: LadderFacts, fw: Framework) -> list[str]:
    sections = list(facts.step_sections) + list(facts.confusion_sections)
    levels = list(facts.compared) + list(u.mentioned)
    if facts.path is not None:
        levels.append(facts.path.goal)
    if facts.alternative is not None:
        levels.append(facts.alternative.goal)
    sections += [lvl.section for lvl in levels]
    if u.intent in ("duties", "compare", "statement"):
        sections.append("Duties and Responsibilities")
    return list(dict.fromkeys(sections))


def coverage(u: Understanding, facts: LadderFacts, passages: list[Passage], vocabulary: set[str], fw: Framework) -> tuple[bool, str, tuple[Passage, str] | None]:
    """Do the sources answer this? (covered, what is missing, nearest sentence)."""
    if u.intent in ("greeting", "statement"):
        return True, "", None
    if u.intent in ("path", "next") and (facts.path is not None or facts.next_levels):
        return True, "", None  # the ladder answers it, whatever else the message says
    alias_words = {w for lvl in fw.levels for a in fw.aliases_of(lvl) for w in tokenize(a)}
    focus = [w for w in tokenize(u.standalone) if w not in GENERIC and w not in alias_words]
    if not passages:
        return False, "anything relevant", None
    nearest = _nearest(passages, set(focus) or set(tokenize(u.standalone)))
    unknown = [w for w in focus if not near_match(w, vocabulary)]
    if focus and len(unknown) * 2 > len(focus):
        return False, ", ".join(dict.fromkeys(_surface(u.standalone, unknown))), nearest
    if u.intent == "factual" and _FIGURE.search(u.standalone) and not _ABOUT_SOURCES.search(u.standalone):
        wanted = [w for w in tokenize(u.standalone) if w not in GENERIC] or tokenize(u.standalone)
        for passage in passages[:3]:
            for s in re.split(r"(?<=[.!?])\s+", passage.text):
                if NUMBERISH.search(s) and any(near_match(w, set(tokenize(s))) for w in wanted):
                    return True, "", None
        return False, "figures for that", nearest
    return True, "", None


def _nearest_topic(mentor, u: Understanding, fw: Framework, numbered: dict[int, Passage]):
    """Search the question's own topic words alone (no level boost) for the closest thing the sources say."""
    alias_words = {w for lvl in fw.levels for a in fw.aliases_of(lvl) for w in tokenize(a)}
    focus = [w for w in tokenize(u.standalone) if w not in GENERIC and w not in alias_words]
    if not focus:
        return None
    found = mentor.retriever.search(" ".join(focus), k=3)
    nearest = _nearest(found, set(focus))
    if nearest is not None and nearest[0].chunk_id not in {p.chunk_id for p in numbered.values()}:
        numbered[len(numbered) + 1] = nearest[0]
    return nearest


def _surface(question: str, stems: list[str]) -> list[str]:
    words = re.findall(r"[A-Za-z0-9']+", question)
    return [next((w for w in words if tokenize(w) == [s]), s) for s in stems]


def _nearest(passages: list[Passage], words: set[str]) -> tuple[Passage, str] | None:
    best, best_score = None, 0
    for passage in passages:
        for s in re.split(r"(?<=[.!?])\s+", passage.text.replace("\n", " ")):
            score = len(words & set(tokenize(s)))
            if score > best_score:
                best, best_score = (passage, s.strip()), score
    return best


def answer_stream(mentor, question: str, level: Level | None, target: Level | None, session: str | None,
                  started: float) -> Iterator[str | Answer]:
    if not question or not question.strip():
        raise InputError("The question is empty.")
    if len(question) > MAX_QUESTION_CHARS:
        raise InputError(f"The question is longer than {MAX_QUESTION_CHARS} characters; please shorten it.")
    fw = mentor.framework
    engine = mentor.engine  # an unknown or unconfigured engine is the user's to fix: say so now
    memory = mentor.history.memory(session, fw) if session else Memory()
    u = understand(question, fw, memory)
    what_about(" ".join(question.split()), u, memory)
    current, aim = _resolve_profile(u, level, target, memory)
    notes: list[str] = []

    t0 = time.perf_counter()
    facts = ladder_facts(u, fw, current, aim)
    if u.intent == "path" and facts.path is not None and facts.path.reachable and target is None:
        aim = facts.path.goal  # asking the way to a level makes it the target
    passages = _gather_passages(mentor, u, facts, current, aim)
    numbered = {i: p for i, p in enumerate(passages, start=1)}
    retrieve_ms = (time.perf_counter() - t0) * 1000

    t1 = time.perf_counter()
    vocabulary = mentor.retriever.keyword.ensure_fresh().vocabulary()
    covered, missing, nearest = coverage(u, facts, passages, vocabulary, fw)
    engine_name = engine.name
    ctx = AnswerContext(u.standalone, question, u, fw, numbered, facts, current, aim,
                        mentor.history.recent(session) if session else [])
    checked = None
    if u.intent == "greeting":
        body = _greeting(fw, current)
    else:
        if covered:
            checked = yield from _write_checked(mentor, engine, ctx, notes)
        if not covered or not checked.used:  # nothing the sources support: say so rather than answer empty
            if covered:
                missing, covered = "an answer to that", False
            nearest = _nearest_topic(mentor, u, fw, numbered) or nearest
            checked = mentor.verifier.check(_abstain_text(missing, nearest, numbered), numbered)
        body = checked.text
    generate_ms = (time.perf_counter() - t1) * 1000

    answer_text = "\n\n".join(x for x in [_framing(u, facts, current, aim), body, *[f"_{n}_" for n in notes]] if x)
    citations = [Citation(n=n, chunk_id=p.chunk_id, source=p.source, section=p.section, quote=" … ".join(q))
                 for n, p, q in (checked.used if checked else [])]
    answer = Answer(
        question=question, answer=answer_text, citations=citations,
        abstained=not covered and u.intent != "greeting",
        level=current.name if current else None, target=aim.name if aim else None,
        engine=engine_name, session=session,
        timings_ms={"retrieve": round(retrieve_ms, 2), "generate": round(generate_ms, 2),
                    "total": round((time.perf_counter() - started) * 1000, 2)},
        trace={"understanding": u.trace(), "retrieved": [p.as_json() for p in passages],
               "checks": [s.as_json() for s in checked.sentences] if checked else [],
               "dropped_markers": checked.dropped_markers if checked else [],
               "removed": checked.removed if checked else []},
        notes=notes,
    )
    if session:
        goal = u.goal or (facts.path.goal if facts.path else None) or (facts.next_levels[0] if len(facts.next_levels) == 1 else None)
        mentor.history.record(session, answer, u.intent, goal, u.mentioned or ([goal] if goal else []),
                              current if (level or u.stated_level) else None, aim)
    yield answer


def _gather_passages(mentor, u: Understanding, facts: LadderFacts, current: Level | None,
                     aim: Level | None) -> list[Passage]:
    """Retrieved passages, then the sections the ladder facts rest on, then the facts themselves."""
    if u.intent == "greeting":
        return []
    # "How do I get promoted?" from a stated level is about that level's next step: say so to the retriever.
    query = " ".join([u.standalone, *facts.step_sections]) if facts.step_sections else u.standalone
    passages = mentor.retriever.search(query, k=mentor.settings.top_k, level=current, target=aim)
    known = {p.chunk_id for p in passages}
    for heading in _sections_needed(u, facts, mentor.framework):
        for p in section_passages(mentor, heading):
            if p.chunk_id not in known:
                passages.append(p)
                known.add(p.chunk_id)
    return passages + framework_passages(mentor, u, facts)


def _write_checked(mentor, engine, ctx: AnswerContext, notes: list[str]):
    """Stream the engine's text, then check it; fall back to the grounded engine when nothing holds."""
    text = ""
    try:
        for piece in engine.generate(ctx):
            text += piece
            if engine.streams:
                yield piece
    except EngineUnavailableError as exc:
        notes.append(f"{exc} This is the grounded answer instead.")
        text = ""
    checked = mentor.verifier.check(text, ctx.passages)
    if checked.supported_count == 0 and engine.name != "grounded":
        if text:
            notes.append(f"The {engine.name} answer had no sentence the sources support, "
                         "so this is the grounded answer instead.")
        from mentor.engines.grounded import GroundedEngine

        return mentor.verifier.check("".join(GroundedEngine(mentor).generate(ctx)), ctx.passages)
    if checked.removed:
        n = len(checked.removed)
        notes.append(f"{n} sentence{'s' if n > 1 else ''} not supported by the sources "
                     f"{'were' if n > 1 else 'was'} left out.")
    return checked


def framework_passages(mentor, u: Understanding, facts: LadderFacts) -> list[Passage]:
    """The ladder facts this answer uses, as citable passages of the framework file."""
    from mentor.documents import document_key, source_name

    fw = mentor.framework
    source = source_name(mentor.settings.framework_path)
    key = document_key(source)

    def passage(anchor: str, section: str, text: str, levels: list[Level]) -> Passage:
        meta = {"heading": section, "source": source, "kind": "framework",
                "levels": "|" + "|".join(lvl.id for lvl in levels) + "|"}
        return Passage(f"{key}#{anchor}", text, source, f"Career framework › {section}", meta)

    out = []
    for route in (facts.path, facts.alternative):
        if route is not None and route.reachable and len(route.levels) > 1:
            steps = len(route.levels) - 1
            out.append(passage(
                f"route/{route.start.id}/{route.goal.id}", "Route",
                f"Route from {route.start.name} to {route.goal.name}: "
                f"{' → '.join(lvl.name for lvl in route.levels)}. {steps} step{'s' if steps > 1 else ''}, "
                f"ending on the {fw.tracks[route.goal.track]} track.", route.levels))
    for nxt in facts.next_levels:
        out.append(passage(f"next/{nxt.id}", "Next steps",
                           f"{nxt.name} is a next step up, on the {fw.tracks[nxt.track]} track.", [nxt]))
    for lvl in facts.compared:
        out.append(passage(
            f"level/{lvl.id}", lvl.name,
            f"{lvl.name}: one level of the {fw.tracks[lvl.track]} track (rank {lvl.rank}). "
            f"Names for the same level: {', '.join(fw.aliases_of(lvl))}.", [lvl]))
    return out


def section_passages(mentor, heading: str) -> list[Passage]:
    """Passages of one section (by heading), cached per Mentor and ingest generation."""
    cache = mentor.__dict__.setdefault("_section_cache", {})
    generation = mentor.ingest_state.generation
    key = (generation, heading)
    if key not in cache:
        res = mentor.store.collection().get(where={"heading": heading}, include=["documents", "metadatas"])
        found = [Passage(i, d, m.get("source", ""), m.get("section", ""), m)
                 for i, d, m in zip(res["ids"], res["documents"], res["metadatas"])]
        cache[key] = sorted(found, key=lambda p: (p.source, p.metadata.get("position", 0)))
    return [Passage(p.chunk_id, p.text, p.source, p.section, p.metadata) for p in cache[key]]


def _framing(u: Understanding, facts: LadderFacts, current: Level | None, aim: Level | None) -> str:
    """One line saying whom the answer is for: about the user, so it carries no citation."""
    bits = []
    if u.stated_level:
        bits.append(f"Noted: you are a {u.stated_level.name}.")
    elif current and u.intent in ("path", "next"):
        bits.append(f"Answering for a {current.name}" + (f" aiming for {aim.name}." if aim else "."))
    if facts.path is not None and not facts.path.reachable:
        if facts.path.status == "downward":
            bits.append(f"{facts.path.goal.name} is not above {facts.path.start.name} in this ladder, "
                        "so there is no upward route to describe.")
        else:
            bits.append(f"The sources describe no route from {facts.path.start.name} to {facts.path.goal.name}.")
    if u.intent in ("next", "statement") and not facts.next_levels and (u.source_level or current):
        start = u.source_level or current
        bits.append(f"The sources describe no step up from {start.name}.")
    if u.rewritten:
        bits.append(f"(Read as: “{u.standalone}”)")
    for term in facts.undefined_terms:
        bits.append(f"The sources name “{term}” but do not define it, so they cannot say how it differs.")
    return "_" + " ".join(bits) + "_" if bits else ""


def _greeting(fw: Framework, current: Level | None) -> str:
    who = f" for a {current.name}" if current else ""
    return (f"Hello! I answer questions about the {fw.name}{who}: what each level does, how to move up, "
            "and which titles mean the same thing. Every answer cites its sources. Tell me your level to start.")


def _abstain_text(missing: str, nearest: tuple[Passage, str] | None, numbered: dict[int, Passage]) -> str:
    lines = [f"_My sources do not cover {missing}, so I won't guess._"]
    if nearest is not None:
        passage, sentence = nearest
        n = next(n for n, p in numbered.items() if p.chunk_id == passage.chunk_id)
        lines.append(f"The closest they come: {sentence} [{n}]")
    return "\n\n".join(lines)
