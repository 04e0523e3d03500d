"""The grounded engine: a mentor's reply composed from the ladder and the passages, no LLM.

It answers first (the route, yes or no, the figure, the best sentence), then
gives the advice that supports it. Every sentence it writes is a sentence of a
passage, ranked by meaning and words against the question (``select``), or a
ladder fact phrased with the words of the framework passage that backs it, so
the citation check can confirm each one. The author's asides are never used,
and no sentence appears twice.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path

from mentor.abstain import MANAGES_NONE, THRESHOLDS, figure_kind, manages_no_one, speaks_of, states_figure, stems
from mentor.engines import AnswerContext, register
from mentor.formats import SHORT_ROW, is_code_like, is_level_code
from mentor.framework import Level, normalize
from mentor.ladder_facts import is_move_across, tracks_named
from mentor.ladders import ITEM_LABEL, LINES_UP, MOVE_ASKED, MOVE_RULE, SWITCHING_SECTION, names_step, prose_steps
from mentor.understand import (ASKS_IDENTITY, ASKS_LOWER, FIRST_PERSON, LADDER_SHAPE, MANAGING_TRACK, NOT_MANAGING,
                               ORDER_ASKED, WHO_DOES,
                               is_job_plural, level_from_pronoun)
from mentor.select import (ASKED_SHAPES, ASKS_BOSS, ASKS_WHO_DECIDES, LEAD_IN, SAYS_AGENT, WHO_REPORTS_TO, Candidate, advice,
                           rank_sentences)
from rapidfuzz.distance import OSA

from mentor.text import STOPWORDS, WHERE_FIRST, a_or_an, near_match, plain, question_parts, sentences_of, tokenize

YES_NO = re.compile(rf"^\W*{WHERE_FIRST}(?:(?:so|ok|okay|but|and|hey|wait|yo)\W+)*(?:is|isn'?t|are|aren'?t|do|does|can|would|should)\b", re.I)
SAME_SAID, SAME_SAID_POOL = 0.7, 20  # share of words two sentences have in common to say the same thing
CLOSE_POOL, CLOSE_MARGIN = 6, 0.08  # sentences this close to the best one show where else it applies
SAID_OF_THEM = re.compile(r"\b(?:they|them|their|theirs|he|she|his|her)\b", re.I)  # a part asked of the level named
UNPLACED_MARGIN = 0.25  # a sentence under no level must beat the best placed one by this much to answer
NEGATION = re.compile(r"\b(?:not|never|no\s+longer|without)\b|n't\b", re.I)
DENIAL_REACH = 5  # words after a "not" that it denies
BOLD_TITLE = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)[^*_]{2,80}?(?:\*\*|__)")
# Words of asking, not of the topic asked about ("what's the difference ... should have done").
_QUESTION_WORDS = {w[:5] for w in ("difference", "different", "differ", "between", "compare", "should", "would",
                                   "could", "expected", "expectations", "what", "which", "about", "especially", "around",
                                   "level", "levels", "done", "does", "like", "look", "mean", "need")}


def _denies(sentence: str, asked: set[str]) -> bool:
    """Whether the sentence denies what was asked: a word of the question (by its first letters) within a few
    words after a negation ("does not involve having direct reports"); "a different job, not a higher level"
    denies nothing about managing people."""
    for m in NEGATION.finditer(sentence):
        after = tokenize(sentence[m.end():])[:DENIAL_REACH]
        if any(w[:5] in asked for w in after):
            return True
    return False
STARTING = re.compile(r"\b(?:first|start\w*|begin\w*|earliest|lowest|from\s+which|from\s+what)\b", re.I)
STOPPING = re.compile(r"\b(?:stop|stops|quit|give\s+up|gives\s+up|hand\s+off|drop)\w*\b", re.I)
WHICH_ONE = re.compile(r"\b(?:which|who)(?:['’]s|\s+is|\s+one)?\b", re.I)
CHOICE = re.compile(r"\bwhich\s+(?:of|one)\b", re.I)  # "which of Lead PM or Director": one of the levels named
# "which level", "which PM role", "what senior position": a qualifier or two, never a verb or article ("what does the role")
WHICH_LEVEL = re.compile(r"\b(?:which|what)\s+(?:(?!(?:do|does|did|is|are|was|were|the|a|an|this|that|my|your|their|its|i|you"
                         r"|we|they)\b)[\w-]+\s+){0,2}?(?:level|grade|role|title|band|position|rung)s?\b", re.I)
OVERALL_SENTENCES = 3  # a level's own introduction says most about what changes
LEVEL_SENTENCES = 4  # what a company's level does: its introduction and its competencies' first lines
CLEARLY_BETTER = 0.1
# A level's own field about the step above it: "To reach PM5: …", "Promotion to next band: …", "Ready for L5 when".
LIST_ITEM = re.compile(r"^\s*(?:[-*•·▪‣◦]|\d{1,2}[.)])\s+\S")
PROMOTION_FIELD = re.compile(r"^\W*(?:to\s+(?:reach|get\s+to|become|move\s+(?:up\s+)?to)"
                             # "Signals for promotion:", "To be promoted to PG2 you need:"
                             r"|(?:\w+\s+){0,3}promot\w*(?:\s+[\w-]+){0,4}\s*:"
                             r"|promot\w*\s+to\s+[^:.]{1,30}?\s+(?:requires|needs|means|involves|asks\s+for)\b"
                             r"|(?:moving|move|getting|advancing|progressing|path)\s+(?:up\s+)?to\b[^:.]{0,40}:"
                             # "Ready for L5 when", "Signals you're ready for the next level:"
                             r"|(?:[\w'’]+\s+){0,3}(?:ready|eligible)\s+for\b|next\s+(?:level|band|grade|step)\s*:"
                             # "To IC4: ships two modules …", "To Band 7: …"
                             r"|to\s+(?:[A-Za-z]+\s?-?)?\d{1,2}\s*:"
                             # "What gets you to T2:", "How to get to Senior:", "Progression to Band 3 requires"
                             r"|(?:what|how)\s+(?:\w+\s+){0,2}?(?:gets?|takes?|moves?)\s+(?:\w+\s+){0,2}?to\b[^:.]{0,40}:"
                             r"|progression\s+to\b)",
                             re.IGNORECASE)
# A data block of its own under the level: "levels › PM › promotion › evidence".
PROMOTION_SECTION = re.compile(r"promot|evidence|criteria|moving\s+to|next[\s_]+level|readiness", re.IGNORECASE)
FROM_BELOW = 3
STEP_LEAD = re.compile(r"^[^:]{0,40}:\s*(?:to\s+(?:reach|become|get\s+to)|moving\s+to|promotion\s+to|ready\s+for)"
                       r"\s+([^:;,.]{1,40})", re.I)
SWITCH_POOL = 8  # the closest sentences searched for a company's rule on changing tracks
SWITCHING = re.compile(r"\b(?:switch\w*|mov(?:e|es|ing)\s+(?:\w+\s+)?(?:to|into|onto|across|over|between|back|from)|sideways|lateral\w*"
                       r"|transfer\w*|change\s+tracks?|change\s+of\s+tracks?|changing\s+tracks?"
                       r"|cross(?:es|ing)?\s+over"
                       # "IC to management:", "manager to individual contributor": a rule named by the two tracks
                       r"|(?:IC|individual\s+contributors?|management|managers?|people\s+leadership)\s+(?:to|→)\s+"
                       r"(?:IC|individual|management|manager|people))\b", re.I)
# A rule on changing tracks speaks of the tracks: "moving over from support" is about joining the job.
TRACK_TALK = re.compile(r"\btracks?\b|\bpeople[-\s]+manag\w*|\bmanag(?:e|es|ing)\s+(?:people|pms|others|a\s+team)"
                        r"|\bmanagement\s+(?:track|path|role)|\bindividual\s+contributor|\bIC\b|\bpaths?\b|\bladders?\b", re.I)
# "Band 6", "Grade 7", "L5": a rank code a level's heading carries
_BAND_CODE = re.compile(r"\b(?:band|grade|level|tier)\s+[A-Z0-9]{1,2}\b|\b[A-Z]{1,2}-?\d{1,2}\b", re.I)
AGENT_POOL = 10  # the closest sentences in which one that names who acts is looked for
ACROSS_SENTENCES = 3  # a switch of tracks: the rules that speak of it, not every sentence that moves
# "does a Senior PM have direct reports?" asks whom the level manages; "Reports to: X" answers the converse.
HAS_REPORTS = re.compile(r"\b(?:direct\s+reports|(?:have|has|get|gets|with|any)\s+(?:\w+\s+)?reports|reportees|"
                         r"(?:people|ppl|anyone|pms)(?:\s+\w+){0,4}?\s+(?:report(?:ing)?\s+to|under)\s+(?:them|him|her|it"
                         r"|me|you)|"
                         # "does a Senior PM manage anyone?": whom the level manages
                         r"manag(?:e|es|ing)\s+(?:any(?:one|body)|people|others|other\s+pms|a\s+team))\b", re.I)
PEOPLE_FIELD = re.compile(r"people\s+managed|direct\s+reports|\bmanages\b|manages\s+people|team\s+size|headcount|"
                          r"span\s+of\s+control|\breports\b(?!\s+to)", re.I)
REPORTS_TO = re.compile(r"^\W*(?:reports?\s+to|reporting\s+(?:line|to)|line\s+manager|manager)\b", re.I)
PLACING_FIELD = re.compile(r"^\W*(?:reports?\s+to|reporting|direct\s+reports|span|team\s+size|typical\s+time|time\s+(?:in|at)"
                           r"|tenure|band|grade|code|track|also\s+called|known\s+as|equivalent|note|signals|ready|promot"
                           r"|next\s+level)", re.I)
# "Also called: Product Manager": the level's other names, which the ladder knows; nothing it does
OTHER_NAMES = re.compile(r"^\W*(?:also\s+(?:called|known\s+as)|known\s+as|aka|a\.k\.a\.?|other\s+names?|formerly"
                         r"|previous(?:ly)?\s+(?:called|titled|titles?))\s*:", re.I)
HEADCOUNT_FIELD = re.compile(r"^\W*(?:direct\s+reports|span\s+of\s+control|team\s+size|people\s+managed)\s*:", re.I)
# "Can I skip from B to D?", "jump straight to Senior": asks whether a level may be passed over
SKIPPING = re.compile(r"\bskip\w*|\bjump\w*\s+(?:straight|directly|right)|\bstraight\s+(?:to|from|into)\b|\bleapfrog\w*"
                      r"|\bbypass\w*", re.I)
# The ladder's rule on it: "No one skips a band", "one level at a time"
SKIP_RULE = re.compile(r"\bskip\w*|\bone\s+(?:level|band|grade|step)\s+at\s+a\s+time\b", re.I)
# A second question about what the level does, after one about a field of it.
ALSO_ASKS_ROLE = re.compile(r"\b(?:and|also|plus)\s+(?:what|which)\b[^?]*\b(?:do|does|own|owns|responsible|accountable"
                            r"|in\s+charge|scope|work\s+on)\b", re.I)
MANAGING_ASKED = re.compile(r"\bmanag\w*|\b(?:direct\s+)?reports\b|\bboss\b|\bpeople\s+leader", re.I)
# "both managing PMs", "manage lower level PMs", "has direct reports": whom a level manages, said outright
MANAGES_PMS = re.compile(r"\bmanag(?:e|es|ing)\s+(?:\w+\s+){0,2}?(?:pms|product\s+managers|people|others|a\s+team)\b"
                         r"|\b(?:has|have|with)\s+(?:\w+\s+)?direct\s+reports\b", re.I)
MANAGING_PEOPLE = re.compile(r"\bpeople[-\s]+manag\w*|\bmanag\w*\s+(?:people|others|pms|product\s+managers|a\s+team)|"
                             r"\bmanage(?:ment|r)\s+(?:track|path|ladder)|\bdirect\s+reports|\bpeople\s+leader", re.I)
NAMED_SECTION_POOL = 5  # a section the question names answers it when one of its sentences is this close
NAMED_SECTION_SENTENCES = 5  # a competency the question names is what it asks about: most of it
ADVICE_BUDGET = 6  # sentences of advice for a whole route, shared by its steps
# A sentence that leans on the one before it ("That's why the PM …", "Meaning, …") defines nothing alone.
LEANS_BACK = re.compile(r"^\W*(?:that['’]?s|this|these|those|it|so|but|and|also|meaning|hence|thus|therefore|in\s+other"
                        r"\s+words)\b", re.I)
# A code said with a space ("Tier 6", "PM 5", "PL IV") is no name a reader knows the level by
CODE_SPOKEN = re.compile(r"(?:[A-Za-z]{1,3}|Tier|Band|Level|Grade)[\s-]+(?:\d{1,2}|[IVX]{1,4})", re.I)
GENERAL_WINDOW = 0.15  # sentences this close to the best one answer alongside it
PART_MARGIN = 0.05  # a part is answered when a sentence this close to its best one is already said
SHOWN_PREFIX = 40  # characters of a sentence that show it is in the answer
SUBJECT_WORDS = 4  # a level named within a sentence's first words is what the sentence is about
ASKED_MARGIN = 0.1  # a sentence on the question's own topic this close to the best one answers it
# Words of any route question: what it asks beyond them is its own topic.
_ROUTE_WORDS = frozenset(w[:5] for w in ("become", "becoming", "promoted", "promotion", "route", "path", "step",
                                         "steps", "move", "moving", "level", "jump", "climb", "advance", "progress",
                                         "need", "needs", "require", "required", "take", "takes", "get", "getting",
                                         "reach", "make", "going", "transition", "career", "next", "help", "helps"))
TERSE_CELL_WORDS = 6  # a cell shorter than this is a phrase ("a product area"), not a description
TOPIC_BONUS = 0.15  # a paragraph's first sentence states its point
# What tells two levels apart: each row is the best-ranked sentence about the level that names the aspect.
ASPECTS = (
    ("Manages PMs", re.compile(r"\bmanag(e|es|ing)\b|\bpeople management\b", re.I)),
    ("Direct reports", re.compile(r"\bdirect reports?\b|\boversee", re.I)),
    ("Decisions", re.compile(r"\bdecisions?\b|\bautonomy\b|\bauthority\b", re.I)),
    ("Analogy", re.compile(r"\bsimilar\b|\bequivalent\b|\bakin\b|\barchitect|\bplayer-coach\b|\banalog", re.I)),
    ("Scope", re.compile(r"\bscope\b|\bresponsib|\bproduct area|\bleading\b|\bsuccess\b", re.I)),
)


def in_section(section: str, heading: str) -> bool:
    """The section itself or one below it ("Product manager I" holds "Product manager I › Skills", not "… II")."""
    return section == heading or section.startswith(heading + " ›")


def names_all(question: str, label: str) -> bool:
    """Every word of a section's label is in the question, allowing a typo or a spelling ("centred"); of a
    label of three words or more, all but its last, general one ("clients and stakeholders" names "Client and
    stakeholder management"). A label of alternatives ("Team process / agile methodologies") is named by
    naming one of them."""
    asked = set(tokenize(question))
    for part in re.split(r"\s+(?:/|&|\+)\s+|\s*/\s*", label):
        words = tokenize(part)
        said = [near_match(w, asked) or any(OSA.distance(w, a) <= 1 for a in asked if len(a) > 4) for w in words]
        if words and (all(said) or (len(words) >= 3 and all(said[:-1]))):
            return True
    return False


# "Grade GS-14 — Differences between GS14 and GS15, row 1: ..." : a cell's headers, there for search, not reading.
CELL_KINDS = ("table", "front-matter")
HEADER_LEAD = re.compile(r"^[^:\n]{1,160}? — [^:\n]{1,160}?:\s+(?=\S)")


# "summary: Owns a product line": a data ladder's field name, there for search, not reading.
DATA_KEY = re.compile(r"^[a-z][a-z_ ]{0,30}:\s+(?=\S)")


def _reading_order(c: Candidate) -> tuple[int, int]:
    """Where a sentence stands in its section: its passage's number within the section, then its place."""
    tail = c.passage.chunk_id.rsplit(":", 1)[-1]
    return (int(tail) if tail.isdigit() else 0, c.sentence.position)


def bare(text: str) -> str:
    """A sentence as said, whatever passage it was read from: no list marker, cell headers or field name."""
    text = re.sub(r"^\s*(?:[-*+•]|\d+[.)])\s+", "", text).strip()
    return DATA_KEY.sub("", HEADER_LEAD.sub("", text)).rstrip(" .")


def cited_sentence(text: str, n: int, cell: bool = False, data: bool = False, labelled: bool = False) -> str:
    """A sentence as the answer shows it: a list item's marker dropped (and a table cell's headers, a data
    field's name), ended like a sentence, then its marker. ``labelled``: a bare phrase keeps its field's
    name ("Reports to: Head of Product"), which nothing else beside it gives."""
    text = re.sub(r"^\s*(?:[-*+•]|\d+[.)])\s+", "", text).strip()
    text = text[:1].upper() + text[1:]  # a list item ("to have shipped …") said as a sentence of its own

    def without_lead(lead: re.Match, label: str) -> str:
        rest = text[lead.end():]
        return f"{label} {rest}" if labelled and len(rest.split()) < TERSE_CELL_WORDS else rest

    if cell and (lead := HEADER_LEAD.match(text)):
        text = without_lead(lead, lead.group(0).rsplit(" — ", 1)[-1].strip())
    if data and (key := DATA_KEY.match(text)):
        label = key.group(0).strip().replace("_", " ")
        text = without_lead(key, label[:1].upper() + label[1:])
    if not re.search(r"[.!?:;][\"'”’)]*$", text):
        text += "."
    return f"{text[:-1].rstrip()} [{n}]{text[-1]}" if text[-1] in ".!?" else f"{text} [{n}]"


def _line_of(c: Candidate) -> tuple[list[str], int | None]:
    """The lines of a sentence's passage, and the index of the line it is on."""
    lines = c.passage.text.splitlines()
    return lines, next((i for i, x in enumerate(lines) if c.text in x), None)


def _list_label(c: Candidate) -> str:
    """The line that introduces the list a sentence is an item of ("To be promoted to PG2 you need:"), or ""."""
    lines, at = _line_of(c)
    if at is None or not LIST_ITEM.match(lines[at]):
        return ""
    label = next((x for x in reversed(lines[:at]) if not LIST_ITEM.match(x)), "")
    return label.strip() if label.rstrip().endswith(":") else ""


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
        used: set[str] = set()
        # a general question may still ask which role ("what role is the team's point person?"): as a factual one
        compose = self._factual if ctx.understanding.intent == "general" else getattr(
            self, f"_{ctx.understanding.intent}", self._general)
        body = (self._own_level(ctx, used) if ctx.ladder.own else None) or self._named_section(ctx, used) \
            or compose(ctx, used) or self._general(ctx, used)
        if body and (more := self._each_question(ctx, used, body)):
            body += "\n\n" + self._lines(ctx, more)
        card = self._framework(ctx, "Tracks") if ctx.understanding.intent != "ladder" else []
        if card:  # "is X on the IC track?": where the level sits, first
            body = cited_sentence(card[0].text, ctx.number_of(card[0])) + ("\n\n" + body if body else "")
        yield body

    # ---- helpers -------------------------------------------------------------

    @staticmethod
    def _framework(ctx: AnswerContext, heading: str) -> list:
        return [p for p in ctx.passages.values() if p.metadata.get("kind") == "framework"
                and p.metadata.get("heading") == heading]

    @staticmethod
    def _cite(ctx: AnswerContext, c: Candidate) -> str:
        kind = c.passage.metadata.get("kind")
        return cited_sentence(c.text, ctx.number_of(c.passage), cell=kind in CELL_KINDS, data=kind == "front-matter",
                              labelled=True)

    def _pick(self, ctx: AnswerContext, used: set[str], n: int, where=lambda c: True) -> list[Candidate]:
        """The n best advice sentences that satisfy ``where`` and are not used yet."""
        picks = []
        for c in ctx.ranked:
            if c.text not in used and where(c):
                picks.append(c)
                used.add(c.text)
                if len(picks) == n:
                    break
        return picks

    def _step_advice(self, ctx: AnswerContext, used: set[str], section: str, n: int, target: Level | None = None
                     ) -> list[Candidate]:
        """A step's advice: its best sentences, topic sentences first among equals, in the document's order.
        The target's own "Moving to <the level after it>: …" is the next step's, not this one's."""
        pool = sorted((c for c in ctx.ranked if c.passage.metadata.get("heading") == section
                       and c.text not in used and not (target is not None and self._for_another_step(
                           ctx, c, target, own_section=section == target.section))),
                      key=lambda c: -(c.score + (TOPIC_BONUS if c.sentence.position == 0 else 0.0)))[:n]
        used.update(c.text for c in pool)
        return self._in_order(pool)

    def _from_below(self, ctx: AnswerContext, used: set[str], level: Level, target: Level | None = None
                    ) -> list[Candidate]:
        """What the lower level's own text says it takes to go up ("To reach PM5: …", "Promotion to next
        band: …", a "promotion › evidence" block): a ladder that keeps promotion criteria with the level they
        start from. A block named for one of two next levels ("evidence_for_L6-M") counts for that one only."""
        def criteria(c: Candidate) -> bool:
            field = c.text if PROMOTION_FIELD.match(c.text) else _list_label(c)  # "To be promoted to PG2 you need:"
            if PROMOTION_FIELD.match(field):
                return target is None or not self._names_another_step(ctx, field, target)
            block = c.passage.section.split("›")[-1]
            if not PROMOTION_SECTION.search(block):
                return False
            named = {m.level.id for m in ctx.framework.find_levels(block.replace("_", " "))}
            return not named or target is None or target.id in named

        def names_this_step(c: Candidate) -> bool:  # "W2_to_W3: …", "PM-III to PL-IV: …" wherever it is kept
            return target is not None and names_step(ctx.framework, c.text, level, target, c.passage.text)

        picks = [c for c in ctx.ranked if c.text not in used and (
            (set(c.passage.levels) == {level.id} and criteria(c)) or names_this_step(c))][:FROM_BELOW]
        used.update(c.text for c in picks)
        return [x for c in self._in_order(picks) for x in [c, *self._rest_of_field(ctx, used, c)]]

    def _for_another_step(self, ctx: AnswerContext, c: Candidate, target: Level, own_section: bool = False) -> bool:
        """A promotion field, or an item of one's list, whose label names a step other than the one to target.
        In the target level's own text, one that names no level ("Ready for the next level: …") is the step
        after it."""
        if (item := ITEM_LABEL.match(c.text.strip())) and (named := self._levels_named(ctx, item.group(1))) \
                and target.id not in named:
            return True  # "- For Lead PM: must have coached …", read for the step to Senior PM
        field = c.text if PROMOTION_FIELD.match(c.text) else _list_label(c)
        if not PROMOTION_FIELD.match(field):
            return False
        label = re.split(r"[:›]", field, maxsplit=1)[0]
        if own_section and not ctx.framework.find_levels(label):
            return True
        return self._names_another_step(ctx, field, target)

    def _names_another_step(self, ctx: AnswerContext, text: str, target: Level) -> bool:
        """ "Moving to P3: …" read for the step to P2: its label (to the first colon or comma) names a level,
        and not this step's."""
        label = re.split(r"[:›,]", text, maxsplit=1)[0]
        if not ctx.framework.find_levels(label) and (lead := STEP_LEAD.search(text)):
            label = lead.group(1)  # "Promotion criteria: To reach G6-IC: …": the step it names after its label
        named = {m.level.id for m in ctx.framework.find_levels(label)}
        if not named:  # "To be promoted to GR3 you need:" on a ladder that stops at GR2: a code, not the target's
            own = {normalize(a) for a in [target.name, *target.aliases]}
            return any((is_code_like(w) or is_level_code(w)) and normalize(w) not in own for w in label.split())
        return target.id not in named

    def _cite_whole(self, ctx: AnswerContext, used: set[str], c: Candidate) -> str:
        """A sentence and the rest of its line, cited: a rule said whole."""
        return " ".join(self._cite(ctx, x) for x in [c, *self._rest_of_field(ctx, used, c)])

    @staticmethod
    def _rest_of_field(ctx: AnswerContext, used: set[str], c: Candidate) -> list[Candidate]:
        """The sentences after a field's first, on its own line ("Moving to P2: Ship three features. Typical
        time in level is 12 to 18 months."): one field, said whole. A field that ends in a colon ("To be
        promoted to PG2 you need:") goes on in the list right under it."""
        lines, at = _line_of(c)
        if at is None:
            return []
        field = [lines[at]]
        if lines[at].rstrip().endswith(":"):
            for line in lines[at + 1:]:
                if not LIST_ITEM.match(line):
                    break
                field.append(line)
        rest = sorted((d for d in ctx.ranked if d.passage.chunk_id == c.passage.chunk_id and d.text not in used
                       and d.sentence.position > c.sentence.position and any(d.text in x for x in field)),
                      key=lambda d: d.sentence.position)
        # a paragraph of steps ("To go from APM to PM, … To go from PM to SPM, …"): the field ends where the
        # next step's sentence begins
        rest = list(itertools.takewhile(lambda d: not prose_steps(ctx.framework, d.text), rest))
        used.update(d.text for d in rest)
        return rest

    @staticmethod
    def _in_order(picks: list[Candidate]) -> list[Candidate]:
        """Advice for a step reads best in the document's order: its topic sentence first."""
        return sorted(picks, key=lambda c: (c.passage.metadata.get("position", 0), c.sentence.position))

    def _lines(self, ctx: AnswerContext, picks: list[Candidate]) -> str:
        """The sentences, cited. When the company's ladder and another document both speak, the company's
        come first and each group is labelled with its document, so the reader sees whose word it is."""
        company = [c for c in picks if c.passage.source in ctx.preferred]
        others = [c for c in picks if c.passage.source not in ctx.preferred]
        if not company or not others:
            return " ".join(self._cite(ctx, c) for c in picks)
        return "\n\n".join(f"**{self._document(group[0].passage)}**\n\n" + " ".join(self._cite(ctx, c) for c in group)
                             for group in (company, others))

    @staticmethod
    def _document(passage) -> str:
        title = passage.metadata.get("title") or Path(passage.source).stem.replace("-", " ")
        return f"{title} ({Path(passage.source).name})"

    @staticmethod
    def _in_section(section: str):
        return lambda c: c.passage.metadata.get("heading") == section

    @staticmethod
    def _company_about(ctx: AnswerContext, level: Level):
        """A preferred document's passage about the level: by its own ladder's id, or by a heading that names
        the level (a company ladder that is not the chosen one has ids of its own)."""
        def about(c: Candidate) -> bool:
            if c.passage.source not in ctx.preferred:
                return False
            return level.id in c.passage.levels or any(
                m.level.id == level.id for m in ctx.framework.find_levels(c.passage.metadata.get("heading", "")))
        return about

    @staticmethod
    def _about(level: Level):
        return lambda c: level.id in c.passage.levels

    @staticmethod
    def _levels_named(ctx: AnswerContext, text: str) -> set[str]:
        """The levels a sentence names; "PMs" alone speaks of the job, not of a level."""
        return {m.level.id for m in ctx.framework.find_levels(text) if not is_job_plural(m.text)}

    def _names_only_others(self, ctx: AnswerContext, text: str, level: Level) -> bool:
        """A sentence in the level's passage that names other levels and not this one is about them."""
        named = self._levels_named(ctx, text)
        return bool(named) and level.id not in named

    @staticmethod
    def _short(ctx: AnswerContext, level: Level) -> str:
        """The shortest name the user will recognise: an alias like 'Senior PM' before the long form."""
        if " " not in level.name.strip():  # a title of one word ("Voyager") is as short as it gets
            return level.name
        names = [a for a in ctx.framework.aliases_of(level)
                 if (" " in a and not CODE_SPOKEN.fullmatch(a) and not is_level_code(a)) or a == level.name]
        return min(names, key=len) if names else level.name

    # ---- one composer per intent -------------------------------------------

    def _path(self, ctx: AnswerContext, used: set[str]) -> str | None:
        fw, path = ctx.framework, ctx.ladder.path
        if path is not None and is_move_across(ctx.understanding, path):
            return self._across(ctx, used)  # a move across tracks is the ladder's rules on switching, no route
        if path is not None and ctx.ladder.way_in is not None:
            return self._way_in(ctx, used)
        if path is None or not path.reachable:
            return None  # the pipeline says there is no route; passages follow in _general
        if path.status == "same":
            return self._duties(ctx, used)
        route = self._framework(ctx, "Route")
        steps = fw.steps(path)
        names = " → ".join(lvl.name for lvl in path.levels)
        who = f"As {a_or_an(path.start.name)}, your" if ctx.level and ctx.level.id == path.start.id else "The"
        cite = f" [{ctx.number_of(route[0])}]" if route else ""
        lines = [f"{who} route to {path.goal.name} is {names}: {len(steps)} step{'s' if len(steps) > 1 else ''}, "
                 f"ending on the {fw.tracks[path.goal.track]} track{cite}."]
        if SKIPPING.search(ctx.understanding.surface) and (
                rule := self._pick(ctx, used, 1, lambda c: bool(SKIP_RULE.search(c.text)))):
            lines += ["", self._cite_whole(ctx, used, rule[0])]  # "can I skip to D?": the ladder's rule first
        if path.start.track != path.goal.track and (rule := self._switch_rule(ctx, used, path.goal.track)):
            lines += ["", rule]
        if ctx.ladder.diff:  # a ladder written by competency: what changes, side by side
            below = self._from_below(ctx, used, path.levels[0], path.levels[1])
            return "\n".join(lines + (["", self._lines(ctx, below)] if below else [])
                              + ["", *self._diff_table(ctx, path.levels[0], path.levels[1], used)])
        if growth := self._growth_table(ctx, used):  # "how does discovery grow from APM to Principal?"
            return "\n".join(lines + ["", *growth])
        if asked := self._asked_of_the_route(ctx, used):  # "… do I need to sit on standards boards?": that first
            lines += ["", asked]
        lines += self._steps(ctx, used, steps)
        alt = ctx.ladder.alternative
        if alt is not None and alt.reachable and len(alt.levels) > 1:
            alt_route = [p for p in route if p.levels >= {lvl.id for lvl in alt.levels}]
            picks = self._pick(ctx, used, 1, lambda c: self._in_section(alt.goal.section)(c)
                               and re.search(r"manag|individual contributor|path", c.text, re.I))
            if alt_route or picks:
                lines += ["", f"**The other track: {alt.goal.name}**", ""]
                text = (f"Route from {alt.start.name} to {alt.goal.name}: {' → '.join(lvl.name for lvl in alt.levels)}, "
                        f"ending on the {fw.tracks[alt.goal.track]} track [{ctx.number_of(alt_route[0])}]. ") if alt_route else ""
                lines.append(text + self._lines(ctx, picks))
        return "\n".join(lines)

    def _switch_rule(self, ctx: AnswerContext, used: set[str], track: str) -> str | None:
        """A company ladder's own rule for changing onto this track ("L3 and L4 PMs cannot switch"), said whole
        ("IC to manager: … You first complete a trial …"). Asked outright ("how does switching tracks work?"),
        wherever it sits among the sentences."""
        if not ctx.preferred:
            return None
        asked = bool(SWITCHING.search(ctx.understanding.surface))

        def about_switching(i: int, c: Candidate) -> bool:  # a sentence on it near the top, or any in its section
            in_section = bool(SWITCHING_SECTION.search(c.passage.section.replace("_", " ")))
            return (asked or in_section or i < SWITCH_POOL) and (in_section or bool(SWITCHING.search(c.text)))

        switch = next((c for i, c in enumerate(ctx.ranked) if c.passage.source in ctx.preferred and c.text not in used
                       and about_switching(i, c)
                       and (TRACK_TALK.search(c.text) or any(
                           m.level.track == track for m in ctx.framework.find_levels(c.text)))), None)
        if switch is None:
            return None
        used.add(switch.text)
        return self._cite_whole(ctx, used, switch)

    def _steps(self, ctx: AnswerContext, used: set[str], steps) -> list[str]:
        """Each step's advice under its own heading, the budget shared between the steps."""
        fw, lines = ctx.framework, []
        for t in steps:
            a, b = fw.by_id[t.from_], fw.by_id[t.to]
            budget = max(2, ADVICE_BUDGET // len(steps))
            below = self._from_below(ctx, used, a, b)
            picks = below + self._step_advice(ctx, used, t.section, budget - len(below), b)
            if picks:
                lines += ["", f"**{a.name} → {b.name}**", "", self._lines(ctx, picks)]
        return lines

    def _way_in(self, ctx: AnswerContext, used: set[str]) -> str:
        """No step leads from the user's track to the goal ("Principal PM to Director"): the goal's own track
        from where it meets their rank, and what each of its steps asks for."""
        fw, way = ctx.framework, ctx.ladder.way_in
        route = [p for p in self._framework(ctx, "Route") if p.levels >= {lvl.id for lvl in way.levels}]
        cite = f" [{ctx.number_of(route[0])}]" if route else ""
        lines = [f"On the {fw.tracks[way.goal.track]} track, {way.goal.name} is reached from {way.start.name}: "
                 f"{' → '.join(lvl.name for lvl in way.levels)}{cite}."]
        return "\n".join(lines + self._steps(ctx, used, fw.steps(way)))

    def _move_rule(self, ctx: AnswerContext, used: set[str], a: Level, b: Level) -> list[Candidate]:
        """The document's rule on a move between tracks ("a lateral move, not a promotion"): said of these two
        levels if it says so ("from L5 to M5 is a lateral move"), else in general."""
        def move_rule(c: Candidate) -> bool:
            return bool(MOVE_RULE.search(c.text)) and (not ctx.preferred or c.passage.source in ctx.preferred)

        return self._pick(ctx, used, 1, lambda c: move_rule(c) and bool(self._levels_named(ctx, c.text) & {a.id, b.id})) \
            or self._pick(ctx, used, 1, move_rule)

    def _across(self, ctx: AnswerContext, used: set[str]) -> str | None:
        """A move from one track onto the other at or below the same rank ("an M2 going back to IC"): what the
        documents say about switching tracks, the user's own ladder first, in its own order; then what the
        step into the level they move to asks for, where the ladder says. Asked whether it is a promotion, the
        document's rule on that comes first."""
        path = ctx.ladder.path
        asked = self._move_rule(ctx, used, path.start, path.goal) if MOVE_ASKED.search(ctx.understanding.surface) \
            else []
        rules = asked + [c for c in ctx.ranked if c.text not in used and (
            (SWITCHING.search(c.text) and TRACK_TALK.search(c.text))
            # "PM-IV to PL-IV are lateral moves", in the company's section on changing tracks
            or (ctx.preferred and c.passage.source in ctx.preferred and SWITCHING.search(c.text)
                and SWITCHING_SECTION.search(c.passage.section.replace("_", " "))))]
        rules = ([c for c in rules if c.passage.source in ctx.preferred] or rules)[:ACROSS_SENTENCES + len(asked)]
        used.update(c.text for c in rules)
        goal = ctx.ladder.path.goal
        if not rules:  # no rule on switching: what the level moved to says of its track
            rules = self._pick(ctx, used, 1, lambda c: self._about(goal)(c) and bool(TRACK_TALK.search(c.text)))
        in_order = asked + self._in_order([c for c in rules if c not in asked])
        lines = [" ".join(self._cite(ctx, c) for c in in_order)] if rules else []
        way = ctx.ladder.way_in
        if way is not None:
            lines += self._steps(ctx, used, ctx.framework.steps(way)[-1:])
        return "\n".join(lines).strip() or None

    def _asked_of_the_route(self, ctx: AnswerContext, used: set[str]) -> str | None:
        """A route question that also asks something of its own ("do I need direct reports?", "…standards
        boards?"): the best sentence about the route's levels that speaks of that, answered before the steps."""
        topic = self._topic(ctx) - _ROUTE_WORDS
        if not topic:
            return None
        route = {lvl.id for lvl in ctx.ladder.path.levels}
        needed = min(2, len(topic))  # "switch over": one common word is no topic of its own
        pick = self._pick(ctx, used, 1, lambda c: bool(c.passage.levels) and set(c.passage.levels) <= route
                          and set(c.passage.levels) != {ctx.ladder.path.start.id}
                          and len(topic & {w[:5] for w in tokenize(c.text)}) >= needed
                          and c.score >= ctx.ranked[0].score - ASKED_MARGIN)
        return self._cite(ctx, pick[0]) if pick else None

    def _next(self, ctx: AnswerContext, used: set[str]) -> str | None:
        fw, start = ctx.framework, ctx.ladder.start
        if start is None:
            return None
        if not ctx.ladder.next_levels:  # the top of a track: what the role itself asks for
            return self._level_summary(ctx, start, used, 3)
        cards = self._framework(ctx, "Next steps")
        options = []
        for nxt in ctx.ladder.next_levels:
            card = [p for p in cards if nxt.id in p.levels]
            cite = f" [{ctx.number_of(card[0])}]" if card else ""
            options.append(f"{nxt.name} on the {fw.tracks[nxt.track]} track{cite}")
        who = f"As {a_or_an(start.name)}, your" if ctx.level and ctx.level.id == start.id else f"From {start.name}, the"
        lines = [f"{who} next step up is {' or '.join(options)}."]
        if len(ctx.ladder.next_levels) == 1 and ctx.ladder.next_levels[0].track != start.track and (
                rule := self._switch_rule(ctx, used, ctx.ladder.next_levels[0].track)):
            lines += ["", rule]  # a step onto the other track: the company's rule for changing tracks
        if HAS_REPORTS.search(ctx.message):  # "… how many people would I have under me?", as the user said it
            people = [c for nxt in ctx.ladder.next_levels for c in self._people_field(ctx, used, nxt)]
            if people:
                lines += ["", self._lines(ctx, people)]
        below = self._from_below(ctx, used, start, ctx.ladder.next_levels[0]) \
            if len(ctx.ladder.next_levels) == 1 else []
        for nxt in ctx.ladder.next_levels:
            t = fw.transition(start.id, nxt.id)
            budget = max(2, ADVICE_BUDGET // 2) - len(below)
            # No step leads there directly (a track joined from above the start): the level's own text
            picks = below + self._step_advice(ctx, used, t.section if t else nxt.section, budget, nxt)
            if picks:
                lines += ["", f"**{start.name} → {nxt.name}**", "", self._lines(ctx, picks)]
        return "\n".join(lines)

    def _people_field(self, ctx: AnswerContext, used: set[str], level: Level) -> list[Candidate]:
        """The level's own field of whom it manages ("Direct reports: 3 to 6 PMs"), never whom it reports to."""
        def says_whom(c: Candidate) -> bool:
            m = re.match(r"([^:›]+)[:›]", c.text)  # "Direct reports: …", "People › …"
            return m is not None and bool(PEOPLE_FIELD.search(m.group(1))) and not REPORTS_TO.match(m.group(1))
        return self._pick(ctx, used, 1, lambda c: set(c.passage.levels) == {level.id} and says_whom(c))

    def _statement(self, ctx: AnswerContext, used: set[str]) -> str | None:
        return self._next(ctx, used) if ctx.ladder.start else None

    def _own_sections(self, ctx: AnswerContext, level: Level, used: set[str], n: int) -> str:
        """What a level does, from its own section and sub-sections: each one's opening sentence (what the
        role is, what it is responsible for), then the sentence closest to the question."""
        own = [c for c in ctx.ranked if in_section(c.passage.section, level.section) and c.text not in used]
        named = [c for c in own if c.passage.section != level.section
                 and names_all(ctx.question, c.passage.section.split(" › ")[-1])]
        if named:  # "what does X do for <competency>": that sub-section, in its own order
            picks = self._in_order(named)[:NAMED_SECTION_SENTENCES]
            used.update(c.text for c in picks)
            return self._lines(ctx, picks)
        openings = [c for c in own if c.sentence.position == 0 and not c.passage.metadata.get("position")][:n // 2]
        rest = [c for c in own if c not in openings][:n - len(openings)]
        best = next((c for c in ctx.ranked if c.text not in used), None)
        if best is not None and best not in openings + rest and rest and best.score > rest[0].score + CLEARLY_BETTER:
            rest = [best, *rest[:-1]]  # the sentence that answers may sit outside the level's own section
        picks = openings + rest
        top = max(picks, key=lambda c: c.score, default=None)
        if top is not None and openings and top not in openings and top.score > openings[0].score + CLEARLY_BETTER:
            picks = [top] + [c for c in picks if c is not top]  # what was asked, first
        used.update(c.text for c in picks)
        return self._lines(ctx, picks)

    def _own_level(self, ctx: AnswerContext, used: set[str]) -> str | None:
        """One level of a company's ladder, from its own text: the competencies the question names; asked
        what the level does, its opening lines, then the general ladder's word on the same title. Otherwise
        None: ranking alone answers a narrower question."""
        named = self._named_competencies(ctx, used)
        if named and ALSO_ASKS_ROLE.search(ctx.understanding.surface):
            # "who do they report to, and what do they own?": the field asked for, then what the level does
            opening = self._level_opening(ctx, used)
            return "\n\n".join(x for x in (named, opening) if x)
        if named or ctx.understanding.intent != "duties":
            return named
        opening = self._level_opening(ctx, used)
        return self._beside_the_general_word(ctx, opening, used) if opening else None

    def _named_section(self, ctx: AnswerContext, used: set[str]) -> str | None:
        """ "What are the key objectives for PMs at TTS?": a section of the company's own document whose heading
        the question names, in its own lines and order. Only for questions about no level and no route, which
        the ladder and the level's own text answer."""
        u = ctx.understanding
        if not ctx.preferred or u.mentioned or u.intent not in ("factual", "general", "duties", "ladder"):
            return None
        asked = ctx.framework.without_levels(u.asked)
        job_words = LADDER_SHAPE | ctx.framework.alias_words | {"product", "products", "managers", "pms"}
        for c in ctx.ranked[:NAMED_SECTION_POOL]:  # among the closest: a heading named in passing is no topic
            p = c.passage
            heading = p.metadata.get("heading") or ""
            if p.source not in ctx.preferred or p.metadata.get("kind") == "framework" or p.levels \
                    or not heading or not names_all(asked, heading) \
                    or set(tokenize(heading)) <= job_words:  # "Levels", "Product manager": the ladder's to answer
                continue
            in_order = sorted(ctx.passages.values(), key=lambda q: int(q.metadata.get("order", 0)))
            texts = [(q.text, q.chunk_id) for q in in_order if q.source == p.source and q.section == p.section]
            # A list of bold-titled items ("**Key objective #2:** Support agency partners"): each title first.
            lines = self._part_lines(ctx, texts, NAMED_SECTION_SENTENCES, used, titles_first=True)
            return " ".join(lines) or None
        return None

    @staticmethod
    def _competency_named(ctx: AnswerContext):
        """Whether the question names a competency (by the last part of its label), its levels' names taken
        out first: "principal" names no "principles"."""
        asked = ctx.framework.without_levels(ctx.question)
        # "does X have direct reports?" names reports, not the "Reports to" field: the converse relation
        converse = bool(HAS_REPORTS.search(ctx.understanding.surface))
        # "who's their boss?", and "who do they report to?" beside another question ("manage anyone? who …")
        line = bool(ASKS_BOSS.search(ctx.understanding.surface) or WHO_REPORTS_TO.search(ctx.understanding.surface))
        def named(competency: str) -> bool:
            label = competency.split(" › ")[-1]
            if converse and PEOPLE_FIELD.search(label) and not REPORTS_TO.match(label):
                return True  # the level's field of whom it manages, whatever the sheet calls it
            if line and REPORTS_TO.match(label):
                return True
            if converse:
                return False
            return competency != "Overall" and names_all(asked, label)
        return named

    def _named_competencies(self, ctx: AnswerContext, used: set[str]) -> str | None:
        """ "What are the hiring expectations of an E3?": those competencies of the level, in its own words."""
        named: dict[str, list[tuple[str, str]]] = {}
        asked = self._competency_named(ctx)
        for competency, text, chunk_id, _ in ctx.ladder.own:
            if asked(competency):
                named.setdefault(competency, []).append((text, chunk_id))
        if not named:
            return None
        share = max(2, NAMED_SECTION_SENTENCES // len(named))
        prefer = self._topic(ctx, named)  # what else it asks about ("esp around roadmaps")
        blocks = [" ".join(self._part_lines(ctx, texts, share, used, prefer)) for texts in list(named.values())[:3]]
        if len(blocks) == 1:
            return blocks[0] or None
        # A field's line that says its own label ("Reports to: …") is not labelled again.
        return "\n\n".join(b if b.lower().startswith(c.split(" › ")[-1].lower()) else f"**{c.split(' › ')[-1]}**: {b}"
                             for c, b in zip(named, blocks) if b) or None

    def _level_opening(self, ctx: AnswerContext, used: set[str]) -> str:
        """The level's introduction, then the first line of each competency (a column of table cells has only
        those); the line that answers the question best goes first when it clearly does."""
        parts = ctx.ladder.own
        overall = [(self._without_placing(text), chunk_id) for competency, text, chunk_id, _ in parts
                   if competency == "Overall"]
        # What the level does; the fields that place it ("Reports to", "Typical time in level") only where
        # it has too few others to say so.
        rest = [(text, chunk_id) for competency, text, chunk_id, _ in parts if competency != "Overall"]
        doing = [(text, chunk_id) for competency, text, chunk_id, _ in parts
                 if competency != "Overall" and not PLACING_FIELD.match(competency)]
        rest = doing if len(doing) >= 2 else rest
        lines = self._part_lines(ctx, overall, OVERALL_SENTENCES - 1 if rest else OVERALL_SENTENCES, used)
        for text, chunk_id in rest:
            # Short fields ("Track: IC", "Reports to: X") are read whole, as the short row they came from is.
            short = sum(len(bare(line)) for line in lines) < SHORT_ROW
            if len(lines) >= (2 * LEVEL_SENTENCES if short else LEVEL_SENTENCES):
                break
            lines += self._part_lines(ctx, [(text, chunk_id)], 1, used)
        own_chunks = {chunk_id for _, _, chunk_id, _ in parts}
        shown = [c for c in ctx.ranked if bare(c.text) in used and c.passage.chunk_id in own_chunks]
        best = next((c for c in ctx.ranked if c.passage.chunk_id in own_chunks and bare(c.text) not in used
                     and not LEAD_IN.search(c.text)), None)
        if best is not None and not (shown and best.score <= max(c.score for c in shown) + CLEARLY_BETTER):
            used.update((best.text, bare(best.text)))
            lines.insert(0, self._cite(ctx, best))
        return " ".join(lines)

    @staticmethod
    def _without_placing(text: str) -> str:
        """A level's text without the lines that place it ("Reports to: …", "Typical time in level: …"), when
        enough else is left to say what it does."""
        doing = [line for line in text.splitlines() if not PLACING_FIELD.match(bare(line.lstrip("-*+• ")))]
        return "\n".join(doing) if len(sentences_of("\n".join(doing))) >= OVERALL_SENTENCES else text

    def _beside_the_general_word(self, ctx: AnswerContext, opening: str, used: set[str]) -> str:
        """The company's lines, then what the general ladder says of a level of the same title, each
        labelled with its document: where the two differ, the reader sees whose word is whose."""
        general = self.mentor.general_framework if self.mentor is not None and ctx.preferred else None
        level = ctx.understanding.mentioned[0]
        # the whole title: "Distinguished Product Manager" is not the general ladder's Product Manager
        same = next((m.level for m in general.find_levels(level.name) if m.start == 0 and m.end == len(level.name)),
                    None) if general else None
        if same is not None and same.track != level.track:
            same = None  # "Product Lead" on a company's IC track is not the general ladder's managing Lead PM
        others = [c for c in ctx.ranked if same is not None and c.passage.source not in ctx.preferred
                  and same.id in c.passage.levels and bare(c.text) not in used
                  and c.passage.metadata.get("kind") != "framework"][:2]
        if not others:
            return opening
        used.update(c.text for c in others)
        own_chunks = {chunk_id for _, _, chunk_id, _ in ctx.ladder.own}
        company = next(p for p in ctx.passages.values() if p.chunk_id in own_chunks)
        return (f"**{self._document(company)}**\n\n{opening}\n\n**{self._document(others[0].passage)}**\n\n"
                + " ".join(self._cite(ctx, c) for c in others))

    def _part_lines(self, ctx: AnswerContext, texts: list[tuple[str, str]], n: int, used: set[str],
                    prefer: frozenset[str] = frozenset(), titles_first: bool = False,
                    labelled: bool = True) -> list[str]:
        """The first n sentences of these passages' texts (not a list's "X:" heading, not one already said),
        each cited to its passage; those with a word of ``prefer`` (by its first letters) first, and with
        ``titles_first`` a list's bold item titles before the rest."""
        said = []
        for text, chunk_id in texts:
            passage = next((p for p in ctx.passages.values() if p.chunk_id == chunk_id), None)
            if passage is not None:
                said += [(sentence, passage) for sentence in sentences_of(text)]
        if prefer:  # "product ownership, esp around roadmaps": the roadmap lines of it first
            said.sort(key=lambda pair: not any(w[:5] in prefer for w in tokenize(pair[0])))
        if titles_first:
            said.sort(key=lambda pair: not BOLD_TITLE.match(pair[0]))
        lines = []
        for sentence, passage in said:
            if len(lines) == n:
                break
            if sentence in used or bare(sentence) in used or LEAD_IN.search(sentence) or OTHER_NAMES.match(bare(sentence)):
                continue
            used.update((sentence, bare(sentence)))
            kind = passage.metadata.get("kind")
            lines.append(cited_sentence(sentence, ctx.number_of(passage), cell=kind in CELL_KINDS,
                                        data=kind == "front-matter", labelled=labelled))
        return lines

    def _level_summary(self, ctx: AnswerContext, level: Level, used: set[str], n: int) -> str:
        picks = self._pick(ctx, used, n, self._about(level))
        return self._lines(ctx, picks)

    def _duties(self, ctx: AnswerContext, used: set[str]) -> str | None:
        u = ctx.understanding
        levels = u.mentioned or ([ctx.ladder.path.goal] if ctx.ladder.path else [])
        if not levels:
            return None
        if len(levels) == 1:
            level = levels[0]
            own_in_company = any(c.passage.source in ctx.preferred and in_section(c.passage.section, level.section)
                                 for c in ctx.ranked)
            # A company named but its ladder not chosen: its passages about the level have sections of their own.
            company = (self._pick(ctx, used, 3, self._company_about(ctx, level))
                       if ctx.preferred and not own_in_company else [])
            if company:  # the named company's word first, then the general one's, each labelled
                return self._lines(ctx, company + self._pick(ctx, used, 2, self._about(level)))
            body = self._own_sections(ctx, level, used, 4) or self._level_summary(ctx, level, used, 3) or None
            # "what level would I start at?", read as the level it is: that level first
            return f"**{level.name}**: {body}" if body and WHICH_LEVEL.search(u.surface) else body
        parts = []
        for level in levels[:2]:
            summary = self._level_summary(ctx, level, used, 2)
            if summary:
                parts += [f"**{level.name}**", summary]
        return "\n\n".join(parts) or None

    def _compare(self, ctx: AnswerContext, used: set[str]) -> str | None:
        u = ctx.understanding
        levels = ctx.ladder.compared
        if len(levels) == 1 and not u.terms:
            return self._same_level(ctx, levels[0], used)
        if len(levels) < 2:
            return self._confusion(ctx, used)
        a, b = levels[:2]
        card = self._framework(ctx, "Comparison")
        cite = f" [{ctx.number_of(card[0])}]" if card else ""
        # A yes/no question gets its "No." first, alone on its line: the citation check holds a negation
        # to the passage it cites.
        same_rank = a.track != b.track and a.rank == b.rank
        # Across tracks, the document's own sentence pairing levels of the two says how they stand.
        lineup = self._pick(ctx, used, 1, lambda c: bool(LINES_UP.search(c.text)) and len(
            named := self._levels_named(ctx, c.text)) >= 2 and bool(named & {a.id, b.id})) if a.track != b.track else []
        if a.track != b.track and not lineup:  # else its rule, said of two other levels ("a T5 and an M5 are …")
            lineup = self._pick(ctx, used, 1, lambda c: bool(LINES_UP.search(c.text)) and {
                lvl.track for lvl in ctx.framework.levels if lvl.id in self._levels_named(ctx, c.text)} >= {a.track, b.track})
        if a.track != b.track and not lineup:  # or of the band both their headings carry ("the two Band 6 roles")
            shared = {m.group(0).lower() for m in _BAND_CODE.finditer(a.section)} & {
                m.group(0).lower() for m in _BAND_CODE.finditer(b.section)}
            lineup = self._pick(ctx, used, 1, lambda c: bool(LINES_UP.search(c.text)) and any(
                code in c.text.lower() for code in shared))
        if same_rank:
            verdict = "**Same level, different track.**"
        elif ORDER_ASKED.search(u.surface):  # "is A more senior than B?", "is A below B?": by the ladder's ranks
            verdict = "**Yes.**" if (a.rank > b.rank) != bool(ASKS_LOWER.search(u.surface)) else "**No.**"
        else:  # "is A the same as B?"
            verdict = "**No.**"
        lines = [verdict] if YES_NO.match(u.surface) else []
        if not lines and not same_rank and (a.track == b.track or lineup) and WHICH_ONE.search(u.surface) \
                and ORDER_ASKED.search(u.surface):  # "which is more senior, A or B?": the one it is, first
            upper, lower = (a, b) if a.rank > b.rank else (b, a)
            lines = [f"**{(lower if ASKS_LOWER.search(u.surface) else upper).name}.**"]
        lines += [card[0].text.rstrip(".") + cite + "." if card else "", ""]
        # "Is going from L5 to M5 a promotion?": the document's rule for that move, after how the two line up
        rule = self._move_rule(ctx, used, a, b) if a.track != b.track and MOVE_ASKED.search(u.surface) else []
        if a.track != b.track and not rule:  # a rule said of these two levels by name tells how they stand
            rule = self._pick(ctx, used, 1, lambda c: bool(MOVE_RULE.search(c.text)) and {a.id, b.id} <= self._levels_named(
                ctx, c.text) and (not ctx.preferred or c.passage.source in ctx.preferred))
        if lineup or rule:
            lines[-1:-1] = ["", " ".join(self._cite(ctx, c) for c in [*lineup, *rule])]
        if growth := self._growth_table(ctx, used):  # a competency named, over more than one step
            return "\n".join(lines + growth)
        if ctx.ladder.diff:
            return "\n".join(lines + self._diff_table(ctx, a, b, used))
        # A sentence in one level's own text that measures it against the other ("everything a Senior PM
        # does, but faster") says the difference in the article's words: it comes before the table.
        def measures(c: Candidate, x: Level, y: Level) -> bool:
            named = self._levels_named(ctx, c.text)
            return x.id in c.passage.levels and y.id in named and (set(c.passage.levels) == {x.id} or x.id in named)

        if across := self._pick(ctx, used, 1, lambda c: measures(c, a, b) or measures(c, b, a)):
            said_of = a if measures(across[0], a, b) else b
            both = {a.id, b.id} <= {m.level.id for m in ctx.framework.find_levels(across[0].text)}
            lines.insert(-1, self._cite(ctx, across[0]) if both else f"{self._short(ctx, said_of)}: {self._cite(ctx, across[0])}")
        rows = [*self._role_row(ctx, a, b, used), *self._aspect_rows(ctx, a, b, used)]
        if rows:
            lines += [f"| | {self._short(ctx, a)} | {self._short(ctx, b)} |", "|---|---|---|", *rows]
        return "\n".join(lines)

    @staticmethod
    def _topic(ctx: AnswerContext, named=()) -> frozenset[str]:
        """The question's own topic words (by their first letters), beside the levels and the competencies it
        names and the words of asking: "decision" in "the diff between a PM and a Sr PM in decision making"."""
        skip = {w[:5] for c in named for w in tokenize(c)} | {w[:5] for w in ctx.framework.alias_words} | _QUESTION_WORDS
        return frozenset(w[:5] for w in tokenize(ctx.framework.without_levels(ctx.understanding.asked))
                         if w not in STOPWORDS and len(w) > 3 and w[:5] not in skip)

    def _diff_table(self, ctx: AnswerContext, a: Level, b: Level, used: set[str]) -> list[str]:
        """Competency by competency, each side's opening sentence, cited; only the competencies the question
        names when it names any, else those that speak of its topic when some do and others not. A sentence
        the answer has said already is not said again in a cell."""
        # a level's other names ("Also called") tell the two apart by nothing they do
        rows = [r for r in ctx.ladder.diff if not OTHER_NAMES.match(f"{r.competency.split(' › ')[-1]}:")]
        named = [r for r in rows if self._competency_named(ctx)(r.competency)]
        topic = self._topic(ctx)

        def speaks_of(text: str) -> bool:
            return any(w[:5] in topic for w in tokenize(text))

        if not named and topic:  # "on roadmap stuff", "in terms of decision making"
            topical = [r for r in rows if speaks_of(f"{r.competency} {r.a_text} {r.b_text}")]
            named = topical if len(topical) < len(rows) else []
        # A competency named is what was asked: it alone, more of it, and no introductions, unless its cells
        # are bare phrases ("scope: a product area") that say more beside the level's own summary.
        terse = bool(named) and all(len(t.split()) < TERSE_CELL_WORDS for r in named for t in (r.a_text, r.b_text))
        overall = [] if named and not terse else \
            [r for r in ctx.ladder.overall if r.a_text.strip() and r.b_text.strip()][:1]
        lines = [f"| | {self._short(ctx, a)} | {self._short(ctx, b)} |", "|---|---|---|"]
        for r in overall + (named or rows):
            cells = []
            for side, (text, chunk_id) in enumerate(((r.a_text, r.a_chunk_id), (r.b_text, r.b_chunk_id))):
                passage = next((p for p in ctx.passages.values() if p.chunk_id == chunk_id), None)
                label = r.competency.split(" › ")[-1]
                # Not a list's "X:" heading, nor the row's own name again ("Strategy: Proposes…"), nor, on the
                # second level's side, its own promotion criteria: those are the step after this one.
                said = [s.removeprefix(f"{label}: ") for s in sentences_of(text)
                        if not LEAD_IN.search(s) and s not in used and not (side and PROMOTION_FIELD.match(s))]
                said.sort(key=lambda x: not speaks_of(x))  # the lines on the question's topic first
                firsts = said[:OVERALL_SENTENCES if r in overall or named else 1]
                used.update(firsts)
                cells.append(" ".join(cited_sentence(s, ctx.number_of(passage), cell=True) for s in firsts)
                             if passage and firsts else "—")
            label = r.competency.split(" › ")[-1]
            lines.append(f"| {label[:1].upper() + label[1:]} | {cells[0]} | {cells[1]} |")
        return lines

    def _growth_table(self, ctx: AnswerContext, used: set[str]) -> list[str]:
        """A competency the question names, level by level along the route, each cell cited."""
        asked = self._competency_named(ctx)
        rows = []
        for level, parts in ctx.ladder.along:
            named = [(competency, text, chunk_id) for competency, text, chunk_id, _ in parts if asked(competency)]
            if named:
                texts = [(text, chunk_id) for _, text, chunk_id in named]
                rows.append((level, named[0][0], " ".join(self._part_lines(ctx, texts, 2, used, labelled=False))))
        if len(rows) < 2:
            return []
        label = rows[0][1].split(" › ")[-1]
        return [f"| | {label[:1].upper() + label[1:]} |", "|---|---|",
                *(f"| {self._short(ctx, level)} | {cell or '—'} |" for level, _, cell in rows)]

    def _role_row(self, ctx: AnswerContext, a: Level, b: Level, used: set[str]) -> list[str]:
        """What each level is, in the first sentence of its own section: the article's definition of it."""
        cells = [self._definition(ctx, level, used) for level in (a, b)]
        if None in cells:
            return []
        used.update(c.text for c in cells)
        return [f"| Role | {self._cite(ctx, cells[0])} | {self._cite(ctx, cells[1])} |"]

    def _definition(self, ctx: AnswerContext, level: Level, used: set[str]) -> Candidate | None:
        """The first sentence of the level's own section that opens with the level: what the source says it is."""
        own = [c for c in ctx.ranked if c.text not in used and set(c.passage.levels) == {level.id}
               and c.passage.metadata.get("kind") != "framework"
               and self._subject_of(ctx, c.text) == level.id and not LEANS_BACK.match(c.text)]
        return min(own, key=_reading_order, default=None)

    @staticmethod
    def _subject_of(ctx: AnswerContext, text: str) -> str | None:
        """The level a sentence opens with ("The Head of Product is …", "Senior PMs are …"): what it defines."""
        opening = len(" ".join(text.split()[:SUBJECT_WORDS]))
        return next((m.level.id for m in ctx.framework.find_levels(text) if m.start < opening), None)

    def _aspect_rows(self, ctx: AnswerContext, a: Level, b: Level, used: set[str]) -> list[str]:
        rows = []
        for label, cues in ASPECTS:
            cells = []
            for level in (a, b):
                # The level's own text, or a sentence of a step's text that names it ("when hiring a head of
                # product…" speaks of the candidates, "They need a track record…" of whom it does not say)
                pick = self._pick(ctx, used, 1, lambda c, level=level: self._about(level)(c) and (
                    set(c.passage.levels) == {level.id} or level.id in {m.level.id for m in ctx.framework.find_levels(c.text)})
                    and bool(cues.search(c.text)) and not self._names_only_others(ctx, c.text, level))
                cells.append(self._cite(ctx, pick[0]) if pick else "—")
            if any(cell != "—" for cell in cells):
                rows.append(f"| {label} | {cells[0]} | {cells[1]} |")
        return rows

    def _same_level(self, ctx: AnswerContext, level: Level, used: set[str]) -> str:
        said = list(dict.fromkeys(m.text for m in ctx.framework.find_levels(ctx.understanding.surface)))
        card = self._framework(ctx, level.name)
        cite = f" [{ctx.number_of(card[0])}]" if card else ""
        if ASKS_IDENTITY.search(ctx.understanding.surface):  # "what grade is that?": its codes, its track
            codes = [a for a in ctx.framework.aliases_of(level) if is_code_like(a) or is_level_code(a)]
            names = f" ({', '.join(codes[:2])})" if codes else ""
            first = f"{level.name}{names} is on the {ctx.framework.tracks[level.track]} track, rank {level.rank}{cite}."
            return "\n\n".join(x for x in [first, self._level_summary(ctx, level, used, 2)] if x)
        names = " and ".join(said) if len(said) > 1 else f"{said[0] if said else level.name} and {level.name}"
        first = f"Yes: {names} name the same level, {level.name}{cite}."
        # what the level is, in its own section's words, before anything else said of it
        if (definition := self._definition(ctx, level, used)) is not None:
            used.add(definition.text)
            return "\n\n".join(x for x in [first, self._lines(ctx, [definition, *self._pick(
                ctx, used, 1, self._about(level))])] if x)
        return "\n\n".join(x for x in [first, self._level_summary(ctx, level, used, 2)] if x)

    def _confusion(self, ctx: AnswerContext, used: set[str]) -> str | None:
        """A confusable term the sources name but may not define: what they do say about it."""
        sections = ctx.ladder.confusion_sections
        picks = self._pick(ctx, used, 2, lambda c: c.passage.metadata.get("heading") in sections)
        return self._lines(ctx, picks) or None

    def _figure(self, ctx: AnswerContext, used: set[str]) -> str | None:
        named = ctx.understanding.mentioned
        # "How many reports does a Director have?": a figure said of another level is no answer.
        about = (lambda c: speaks_of(ctx.framework, named[0], c)) if len(named) == 1 and not level_from_pronoun(
            ctx.understanding) else (lambda c: True)
        kind = figure_kind(ctx.understanding.standalone)  # a count of meetings is no head count

        def answers(c: Candidate) -> bool:
            return states_figure(kind, c.text) and about(c)

        # A level's own figure before its criteria for the next one ("grows the team to 4 direct reports")
        picks = self._pick(ctx, used, 1, lambda c: answers(c) and not PROMOTION_FIELD.match(c.text)) or \
            self._pick(ctx, used, 1, answers)
        if not picks and (none := manages_no_one(ctx.understanding, ctx.ranked)) is not None:
            used.add(none.text)
            return self._cite(ctx, none)  # "how many people does a Principal PM manage?": none, in its words
        if not picks:
            return None
        first = self._cite(ctx, picks[0])
        more = self._pick(ctx, used, 1, lambda c: c.passage.chunk_id == picks[0].passage.chunk_id)
        return " ".join([first, *(self._cite(ctx, c) for c in more)])

    def _factual(self, ctx: AnswerContext, used: set[str]) -> str | None:
        u = ctx.understanding
        # "which level ...?", "which of Lead PM or Director ...?": the level first, then what its own text says
        # (another level's sentence beside it would read as the chosen one's)
        choosing = WHICH_LEVEL.search(u.surface) or (len(u.mentioned) > 1 and CHOICE.search(u.standalone))
        first = next((c for c in ctx.ranked if c.text not in used), None)
        if choosing and first is not None and not HAS_REPORTS.search(u.surface):
            levels = [ctx.framework.by_id[i] for i in sorted(first.passage.levels) if i in ctx.framework.by_id]
            if len(u.mentioned) > 1:
                levels = [lvl for lvl in levels if lvl in u.mentioned]
            if len(levels) == 1:
                level = levels[0]
                picks = self._pick(ctx, used, 3, lambda c: c.score >= first.score - GENERAL_WINDOW
                                   and level.id in c.passage.levels)
                return f"**{level.name}**: {self._lines(ctx, picks)}"
        return self._general(ctx, used, n=3)

    def _which_level(self, ctx: AnswerContext, used: set[str]) -> str | None:
        """"At which level ...?": the level first, then the sentence that shows it, then where else it shows."""
        fw = ctx.framework

        def placed_at(c: Candidate) -> Level | None:
            # One level's passage places what it says there; a step up (two levels) says what the upper one
            # asks for; an overview of the whole ladder places nothing.
            levels = sorted((fw.by_id[i] for i in c.passage.levels if i in fw.by_id), key=lambda lvl: lvl.rank)
            return levels[-1] if 0 < len(levels) <= 2 else None

        if who_acts := ASKS_WHO_DECIDES.search(ctx.understanding.asked):
            # "who signs off on the move?": the sentence that names who acts on that very thing, among the
            # closest (a move may be said as a change of track), then the rest
            asked = fw.without_levels(ctx.understanding.asked[who_acts.end():])
            topic = stems(w for w in tokenize(asked) if w not in STOPWORDS)

            def on_topic(c: Candidate) -> bool:
                return bool(topic & stems(tokenize(c.text))) or bool(SWITCHING.search(asked) and SWITCHING.search(c.text))

            agent = [c for c in ctx.ranked[:AGENT_POOL] if c.text not in used and SAYS_AGENT.search(c.text)
                     and on_topic(c) and (not ctx.preferred or c.passage.source in ctx.preferred)][:1]
            if agent:
                used.add(agent[0].text)
                rest = self._factual(ctx, used)
                return "\n\n".join([self._cite_whole(ctx, used, agent[0]), *([rest] if rest else [])])
        placed = [c for c in ctx.ranked if c.text not in used and placed_at(c) is not None]
        if (who := WHO_DOES.search(ctx.understanding.surface)) is not None:
            # "who mentors PM3s?": the level that does it to them, not theirs
            objects = {m.level.id for m in fw.find_levels(ctx.understanding.surface) if m.start >= who.end()}
            placed = [c for c in placed if placed_at(c).id not in objects]
        if len(ctx.understanding.mentioned) > 1 and CHOICE.search(ctx.understanding.standalone):
            # "which of A or B ...": one of those two
            named = self._levels_named(ctx, ctx.understanding.surface)
            placed = [c for c in placed if placed_at(c).id in named]
            if by_track := self._chosen_by_managing(ctx, used, placed, placed_at):
                return by_track
        # The user's own ladder (chosen or named) says at which of its levels; another document's levels are
        # not its levels, even where their names match.
        placed = [c for c in placed if c.passage.source in ctx.preferred] or placed
        # "Does not involve having direct reports" places the opposite of what was asked.
        if not NEGATION.search(ctx.understanding.surface) and not STOPPING.search(ctx.understanding.surface):
            asked = {w[:5] for w in tokenize(fw.without_levels(ctx.understanding.asked)) if w not in STOPWORDS}
            placed = [c for c in placed if not _denies(c.text, asked)] or placed
        unplaced = next((c for c in ctx.ranked if c.text not in used), None)
        # "Who decides promotions?" asks for whoever does it, and that may be a panel, not a level: a sentence
        # under no level answers when it is the closest; "at which level …" needs a level's own text unless a
        # sentence is far closer.
        beyond = next((c for c in ctx.ranked if c.text not in used and placed_at(c) is None), None) if who else None
        if not placed or (unplaced is not None and unplaced.score > placed[0].score + UNPLACED_MARGIN) or (
                beyond is not None and beyond.score > placed[0].score):
            # Said outside any level's own text, and far closer than what is ("The first people-management
            # role is GPM", where the ladder's levels came from a table without it): that sentence answers.
            return self._factual(ctx, used)
        close = [c for c in placed[:CLOSE_POOL] if c.score >= placed[0].score - CLOSE_MARGIN]
        best = close[0]
        if STARTING.search(ctx.understanding.surface):
            # "At which level do you start …": the same expectation said at several levels starts at the lowest.
            said = set(tokenize(best.text))
            alike = [c for c in placed[:SAME_SAID_POOL] if len(said & set(tokenize(c.text))) >= SAME_SAID * min(
                len(said), len(set(tokenize(c.text))) or 1)]
            best = min(alike, key=lambda c: placed_at(c).rank, default=best)
            close = [best, *(c for c in close if c is not best)]
        level = placed_at(best)
        used.add(best.text)
        lines, shown = [f"**{level.name}**: {self._cite(ctx, best)}"], {level.id}
        for c in close:  # where else it shows, so the reader sees whether it continues up the ladder
            if c.text not in used and placed_at(c).id not in shown and len(lines) < 3:
                used.add(c.text)
                shown.add(placed_at(c).id)
                lines.append(f"{placed_at(c).name}: {self._cite(ctx, c)}")
        return "\n\n".join(lines)

    def _chosen_by_managing(self, ctx: AnswerContext, used: set[str], placed: list[Candidate], placed_at
                            ) -> str | None:
        """"Which of those is for people who don't want to manage?" between levels of two tracks: the track
        answers it, then the level's own sentence on managing (or on not managing)."""
        u, fw = ctx.understanding, ctx.framework
        wants = None if not MANAGING_ASKED.search(u.surface) else not (
            NOT_MANAGING.search(u.surface) or MANAGES_NONE.search(u.surface))
        levels = u.mentioned[:2]
        if wants is None or len({lvl.track for lvl in levels}) < 2:
            return None
        managing = [lvl for lvl in levels if MANAGING_TRACK.search(f"{lvl.track} {fw.tracks[lvl.track]}")]
        if len(managing) != 1:
            return None
        level = managing[0] if wants else next(lvl for lvl in levels if lvl is not managing[0])
        other = next(lvl for lvl in levels if lvl is not level)

        def on_managing(lvl: Level, manages: bool) -> Candidate | None:
            # whom the level manages said outright ("managing PMs") before its track's name ("the Manager path")
            own = [c for c in placed if placed_at(c).id == lvl.id]
            patterns = (MANAGES_PMS, MANAGING_PEOPLE) if manages else (MANAGES_NONE,)
            return next((c for says in patterns for c in own if says.search(c.text)), None)

        best = on_managing(level, wants) or next((c for c in placed if placed_at(c).id == level.id), None)
        if best is None:
            return None
        used.add(best.text)
        lines = [f"**{level.name}**, on the {fw.tracks[level.track]} track: {self._cite(ctx, best)}"]
        if (contrast := on_managing(other, not wants)) is not None and contrast.text not in used:
            used.add(contrast.text)  # and the other's own words on it: the difference, said by both sides
            lines.append(f"{other.name}: {self._cite(ctx, contrast)}")
        return "\n\n".join(lines)

    def _ladder(self, ctx: AnswerContext, used: set[str]) -> str | None:
        """The ladder itself, from the framework: the top or the entry level first when that is what was asked."""
        card = self._framework(ctx, "Levels")
        if not card:
            return None
        n = ctx.number_of(card[0])
        sentences = sentences_of(card[0].text)
        asked = ctx.understanding.surface.lower()
        entry_of = ctx.understanding.entry_of  # "which level first manages people?": the managing track's first
        top = not entry_of and re.search(r"\b(top|highest|most senior|last|above|peak)\b", asked)
        entry = entry_of or (not top and re.search(r"\b(entry|lowest|first|bottom|junior|start)", asked))
        # "the top IC role": the named track's top before its other lines, and those before the whole ladder's.
        track_keys = [entry_of] if entry_of else tracks_named(asked, ctx.framework)
        named = [f"the {ctx.framework.tracks[key].lower()} track" for key in track_keys]
        # "The highest level is X", or "levels are X and Y" where both tracks end at one rank
        kind = ("top of the" if named else "highest level") if top else \
            ("entry level of the" if named else "entry level") if entry else None
        if kind and not named:
            kind = re.compile(rf"{kind}(?: is|s are)\b")
        elif kind:
            kind = re.compile(re.escape(kind))

        def order(s: str) -> tuple[bool, bool]:
            on_track = any(t in s.lower() for t in named)
            return not (on_track and (kind is None or kind.search(s))), not (on_track or (kind and kind.search(s)))

        lines = sorted(sentences, key=order)
        if kind:  # the top or the entry that was asked, and the track it ends: not the whole ladder again
            asked_of = [s for s in lines if kind.search(s) and (not named or any(t in s.lower() for t in named))]
            routes = [s for s in lines if any(s.lower().startswith(t) for t in named)]
            lines = asked_of + routes if asked_of else lines
        said = " ".join(cited_sentence(s, n) for s in lines)
        u = ctx.understanding
        if kind and YES_NO.match(u.surface) and len(u.mentioned) == 1:
            # "is Product Lead the top of the IC ladder?": yes or no first
            said = ("**Yes.** " if u.mentioned[0].name in lines[0] else "**No.** ") + said
        # The company's own words on it ("PM4 is the highest IC level"), where its document says so.
        cue = re.compile(r"\b(?:top|highest|peak|last)\b" if top else r"\b(?:entry|lowest|first|bottom|junior|start)"
                         if entry else r"\b(?:levels?|tracks?|ladder)\b", re.I)
        # Of the track asked about, where one is: "the manager track" wants a sentence about managing people.
        track_words = [MANAGING_PEOPLE if MANAGING_TRACK.search(f"{key} {ctx.framework.tracks[key]}")
                       else re.compile(re.escape(ctx.framework.tracks[key][:5]), re.I)
                       for key in track_keys]
        own = (self._pick(ctx, used, 1, lambda c: c.passage.source in ctx.preferred
                          and c.passage.metadata.get("kind") != "framework" and bool(cue.search(c.text))
                          and all(w.search(c.text) for w in track_words)
                          and (len(bare(c.text).split()) >= TERSE_CELL_WORDS or bool(track_words)))
               if ctx.preferred else [])
        return "\n\n".join([said, *(self._cite(ctx, c) for c in own)])

    def _greeting(self, ctx: AnswerContext, used: set[str]) -> str:
        return ""

    def _general(self, ctx: AnswerContext, used: set[str], n: int = 3) -> str:
        """The best sentence first, then those close to it: a weak match is noise, not an answer."""
        if HAS_REPORTS.search(ctx.understanding.surface):  # "can X have direct reports?": not whom X reports to
            used.update(c.text for c in ctx.ranked if REPORTS_TO.match(bare(c.text)))
        elif ASKS_BOSS.search(ctx.understanding.surface) or WHO_REPORTS_TO.search(ctx.understanding.surface):
            # and "who does X report to?", "who's their boss?": not whom X has
            used.update(c.text for c in ctx.ranked if HEADCOUNT_FIELD.match(bare(c.text)))
        ranked = [c for c in ctx.ranked if c.text not in used]
        if not ranked:
            return ""
        top = ranked[0].score
        close = lambda c: c.score >= top - GENERAL_WINDOW  # noqa: E731
        # The user's own ladder answers for itself: another document's word on a level of the same name
        # (the article's Lead PM beside a company's IC Product Lead) only when it has nothing close.
        if ctx.preferred and any(close(c) and c.passage.source in ctx.preferred for c in ranked):
            return self._lines(ctx, self._pick(ctx, used, n, lambda c: close(c) and c.passage.source in ctx.preferred))
        return self._lines(ctx, self._pick(ctx, used, n, close))

    def _each_question(self, ctx: AnswerContext, used: set[str], body: str) -> list[Candidate]:
        """ "When are promotions decided, and who puts me forward?": two questions in one. Each is ranked against
        the passages on its own; one whose best sentences the answer does not already say gets the best of
        them, when that is close enough to answer it."""
        # Split as the conversation resolved it: "how many squads does that person look after" names the level.
        parts = question_parts(ctx.understanding.standalone)
        if len(parts) < 2 or self.mentor is None:
            return []
        said = plain(body).lower()
        shown = lambda c: plain(bare(c.text)).lower()[:SHOWN_PREFIX] in said  # noqa: E731
        favoured = {lvl.id for lvl in ctx.understanding.mentioned} | ({ctx.level.id} if ctx.level else set())
        passages = list(ctx.passages.values())
        added = []
        mentioned = {lvl.id: lvl for lvl in ctx.understanding.mentioned}
        named = next(iter(mentioned.values())) if len(mentioned) == 1 else None
        for part in parts:
            # "… how many reports would I have": of the user's own level; "… who do they report to": of the one
            # level the message is about
            about = ctx.level if FIRST_PERSON.search(part) else named if SAID_OF_THEM.search(part) else None
            if about is not None and not ctx.framework.find_levels(part):
                part = f"{part.rstrip(' ?.!')}, as {a_or_an(about.name)} {about.name}?"
            vector = self.mentor.embedder.embed_query(part)
            # a part that asks for a kind of thing ("who … report to") is answered only by a sentence of that kind,
            # even one the rest of the answer set aside ("Reports to: …" beside "how many report to her?")
            kinds = [says for asks, says in ASKED_SHAPES if asks.search(part)]
            of_kind = lambda c: any(says.search(c.text) for says in kinds)  # noqa: E731
            ranked = [c for c in advice(rank_sentences(part, vector, passages, self.mentor.sentences,
                                                       self.mentor.ingest_state.generation, favoured,
                                                       ctx.framework.subject_level_ids))
                      if c.text not in used or shown(c) or of_kind(c)]
            # the bar a whole question's best sentence must clear for the sources to speak of it at all
            if not ranked or ranked[0].meaning < THRESHOLDS.meaning_min:
                continue
            if any((shown(c) or c in added) and (not kinds or of_kind(c))
                   for c in ranked if c.score >= ranked[0].score - PART_MARGIN):
                continue  # this part is answered already
            best = next((c for c in ranked if not shown(c) and c not in added and c.score >= ranked[0].score - PART_MARGIN
                         and of_kind(c)), None) if kinds else ranked[0]
            if best is None or shown(best) or best in added:
                continue
            used.add(best.text)
            added.append(best)
        return added


@register("grounded")
def _factory(mentor=None):
    return GroundedEngine(mentor)
