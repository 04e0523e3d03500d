"""What the career framework says about a question: routes, next steps, comparisons, as citable passages."""

from __future__ import annotations

import re

from mentor.documents import document_key, source_name
from mentor.engines import LadderFacts
from mentor.framework import Framework, Level
from mentor.retrieve import Passage
from mentor.text import OPENER, WHERE_FIRST
from mentor.understand import EQUIVALENT, MANAGING_TRACK, NOT_MANAGING, Understanding, tracks_said


# "Where does a Lead PM sit / fit / rank?": asks where the level stands on the ladder.
_PLACED = re.compile(r"\bwhere\b[^?]*\b(?:sits?|fits?|falls?|stands?|ranks?|slots?)\b", re.I)


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
            facts.step_sections = [t.section for t in fw.steps(facts.path)] if facts.path.reachable else []
            # A track asked for by name ("switch over to the manager track") wants no other track beside it.
            facts.alternative = None if u.track_move else _other_track(fw, start, goal)
            if facts.alternative is not None and NOT_MANAGING.search(fw.without_levels(u.surface)) and MANAGING_TRACK.search(
                    f"{facts.alternative.goal.track} {fw.tracks[facts.alternative.goal.track]}"):
                facts.alternative = None  # "I don't want to manage anyone": the managing track is no alternative
            if start.track != goal.track and (facts.path.status == "unreachable" or is_move_across(u, facts.path)):
                facts.way_in = _way_in(fw, start, goal)
                if facts.way_in is not None:
                    facts.step_sections = [t.section for t in fw.steps(facts.way_in)]
    if u.intent in ("next", "statement"):
        start = u.source_level or (u.mentioned[0] if u.intent == "next" and u.mentioned else None) or level
        if start is not None:
            facts.start = start
            facts.next_levels = fw.next_levels(start)
            # Said in passing too ("if i go the people manager way"), once the titles are out of the text;
            # "I don't want to manage people" rules the managing track out.
            untitled = fw.without_levels(u.surface)
            said = tracks_named(u.surface, fw) or tracks_said(untitled, fw)
            if NOT_MANAGING.search(untitled):
                said = [t for t in fw.tracks if not MANAGING_TRACK.search(f"{t} {fw.tracks[t]}")]
            on_named = [n for n in facts.next_levels if len(said) == 1 and n.track in said]
            if len(said) == 1 and not on_named and said[0] != start.track:
                # No step from here onto that track yet: its first level beside or above the start is where it
                # leads (a peer at the same rank is the move across a ladder pairs with it)
                on_named = [lvl for lvl in fw.track_levels(said[0]) if lvl.rank >= start.rank][:1]
            if on_named:  # "what's after Senior PM on the manager side?": that track's step only
                facts.next_levels = on_named
            facts.step_sections = [t.section for n in facts.next_levels if (t := fw.transition(start.id, n.id))]
    if u.intent == "ladder":
        facts.whole_ladder = True
    # "Is X on the IC track?" places X; "what's after X on the manager side?" names the track of the step.
    if len(u.mentioned) == 1 and (tracks_named(u.surface, fw) or _PLACED.search(u.surface)) and not \
            EQUIVALENT.search(u.surface) and (
            u.intent not in ("next", "statement", "path") or _YES_NO.match(u.surface)):
        facts.on_track = u.mentioned[0]
    if not u.mentioned and u.intent in ("general", "factual", "duties", "which_level", "ladder") \
            and len(named := tracks_named(u.surface, fw)) == 1:
        facts.track_listed = named[0]  # "can you explain the IC path?", "which roles are on the manager track?"
    if u.intent == "compare":
        facts.compared = u.mentioned
        ids = {lvl.id for lvl in u.mentioned}
        for c in fw.confusions:
            if (ids and ids <= set(c.terms)) or (set(u.terms) & set(c.terms)):
                facts.confusion_sections.append(c.section)
                facts.undefined_terms += [t for t in c.undefined if t in u.terms]
    return facts


_YES_NO = re.compile(rf"^\W*{WHERE_FIRST}{OPENER}(?:is|are|am|does|do)\b", re.I)


def _other_track(fw: Framework, start: Level, goal: Level):
    """From a level that branches, the best reachable top of the track not taken."""
    branches = [n for n in fw.next_levels(start) if n.track != goal.track]
    if not branches:
        return None
    tops = [lvl for lvl in fw.track_levels(branches[0].track) if fw.path(start, lvl).reachable]
    return fw.path(start, tops[-1]) if tops else None


def _way_in(fw: Framework, start: Level, goal: Level):
    """The goal's track from the level where it meets the start's rank (or the nearest below it): what the
    ladder says it takes to reach the goal when no step leads there from the other track."""
    entries = [lvl for lvl in fw.track_levels(goal.track)
               if lvl.id != goal.id and lvl.rank <= start.rank and fw.path(lvl, goal).reachable]
    return fw.path(max(entries, key=lambda lvl: lvl.rank), goal) if entries else None


def sections_needed(u: Understanding, facts: LadderFacts) -> list[str]:
    """Headings whose passages back the facts: each step's section and each level's own."""
    sections = list(facts.step_sections) + list(facts.confusion_sections)
    levels = list(facts.compared) + list(u.mentioned)
    for route in (facts.path, facts.alternative, facts.way_in):
        if route is not None:
            levels.append(route.goal)
    sections += [lvl.section for lvl in levels]
    return list(dict.fromkeys(sections))


def is_move_across(u: Understanding, path) -> bool:
    """A step onto the other track that is no step up: asked as a change of track ("go back to being an IC"),
    or between levels a rank apart at most ("B6-PL to B6-IC"). "How do I become an APM?" asked by a Head of
    Product is a step down, not across."""
    if path.start.track == path.goal.track or (path.reachable and path.goal.rank > path.start.rank):
        return False
    return u.track_move or 0 <= path.start.rank - path.goal.rank <= 1


def tracks_named(text: str, fw: Framework) -> list[str]:
    """The ladder's tracks the text names: "the IC track", "individual contributor", "management path"."""
    named = []
    for key, name in fw.tracks.items():
        exact = [re.escape(x) for x in (key, name) if len(x.split()) > 1 or len(x) <= 3]
        loose = [rf"{re.escape(x[:6])}\w*\s+(?:track|path|side|ladder|route)" for x in (key, name) if len(x) > 3]
        if re.search(r"\b(?:" + "|".join(exact + loose) + r")\b", text, re.I):
            named.append(key)
    return named


def framework_passages(fw: Framework, framework_path, facts: LadderFacts) -> list[Passage]:
    """The ladder facts this answer uses, as citable passages of the framework file."""
    source = source_name(framework_path)
    key = document_key(source)

    def passage(anchor: str, section: str, text: str, levels: list[Level]) -> Passage:
        meta = {"heading": section, "source": source, "kind": "framework",
                "levels": "|" + "|".join(lvl.id for lvl in levels) + "|"}
        return Passage(f"{key}#{anchor}", text, source, f"Career framework › {section}", meta)

    out = []
    if facts.whole_ladder:
        tracks = [(name, fw.track_levels(t)) for t, name in fw.tracks.items() if fw.track_levels(t)]
        text = (f"{fw.name}: {len(fw.levels)} levels on {len(tracks)} track{'s' if len(tracks) > 1 else ''}. "
                + " ".join(f"The {name} track: {' → '.join(lvl.name for lvl in levels)}. The top of the {name} "
                           f"track is {levels[-1].name}. The entry level of the {name} track is {levels[0].name}."
                           for name, levels in tracks)
                + f" {_at_rank('highest', fw, max(lvl.rank for lvl in fw.levels))}"
                + f" {_at_rank('entry', fw, min(lvl.rank for lvl in fw.levels))}")
        out.append(passage("ladder", "Levels", text, list(fw.levels)))
    if facts.on_track is not None:
        lvl = facts.on_track
        levels = fw.track_levels(lvl.track)
        out.append(passage(f"track/{lvl.id}", "Tracks",
                           f"{lvl.name} is on the {fw.tracks[lvl.track]} track: "
                           f"{' → '.join(x.name for x in levels)}; it tops out at {levels[-1].name}.", [lvl]))
    if facts.track_listed is not None and (levels := fw.track_levels(facts.track_listed)):
        out.append(passage(f"track/{facts.track_listed}", "Tracks",
                           f"The {fw.tracks[facts.track_listed]} track: {' → '.join(x.name for x in levels)}; it starts "
                           f"at {levels[0].name} and tops out at {levels[-1].name}.", levels))
    for route in (facts.path, facts.alternative, facts.way_in):
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
    if len(facts.compared) >= 2:
        a, b = facts.compared[:2]
        where = (f"{a.name} is on the {fw.tracks[a.track]} track and {b.name} on the {fw.tracks[b.track]} track"
                 if a.track != b.track else f"both are on the {fw.tracks[a.track]} track, {a.name} at rank {a.rank} "
                                            f"and {b.name} at rank {b.rank}")
        # Two tracks on one scale ("P4" beside "M4"): one level, two roles.
        kind = "different roles at the same level" if a.track != b.track and a.rank == b.rank else "different levels"
        high, low = (a, b) if a.rank > b.rank else (b, a)
        gap = high.rank - low.rank
        order = (f"; {high.name} sits {COUNT_WORDS.get(gap, str(gap))} level{'s' if gap > 1 else ''} above {low.name}"
                 if gap else "")  # rank is the ladder's one scale of seniority
        out.append(passage(f"compare/{a.id}/{b.id}", "Comparison", f"{a.name} and {b.name} are {kind}: {where}{order}.",
                           [a, b]))
    for lvl in facts.compared:
        out.append(passage(
            f"level/{lvl.id}", lvl.name,
            f"{lvl.name}: one level of the {fw.tracks[lvl.track]} track (rank {lvl.rank}). "
            f"Names for the same level: {', '.join(fw.aliases_of(lvl))}.", [lvl]))
    return out


COUNT_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


def _at_rank(which: str, fw: Framework, rank: int) -> str:
    """ "The highest level is X.", or both where two tracks end at one rank ("… are X and Y, equally senior")."""
    names = [lvl.name for lvl in fw.levels if lvl.rank == rank]
    if len(names) == 1:
        return f"The {which} level is {names[0]}."
    return f"The {which} levels are {', '.join(names[:-1])} and {names[-1]}, equally senior."
