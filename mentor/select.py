"""Answer selection: the passages' stored sentences ranked against the standalone question.

Meaning (cosine between the question's vector and each sentence's, both from the
shipped model; sentence vectors come from ingest) and words (the share of the
question's content words a sentence carries, rarer words counting more) are
added: meaning finds paraphrases, words keep named things ("OKRs", "five")
from being outvoted by a sentence that is merely on topic.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mentor.classify import unit_rows
from mentor.formats import is_level_label
from mentor.retrieve import Passage
from mentor.sentences import Sentence, SentenceIndex
from mentor.text import NUMBER, near_match, tokenize

WORDS_WEIGHT = 0.3
LEVEL_BONUS = 0.1  # a sentence from a passage about a level the question names
RANK_PENALTY = 0.01  # a lower-ranked passage's sentence needs to be a little better to win
UNRANKED = 7  # passages added for the ladder's sections or a close sentence count as just below the retrieved ones
SHAPE_BONUS = 0.1  # a sentence of the kind a question asks for: a time for "when", a reporting line for "whose"
# "When are promotions decided?", "how often do panels meet?": asked for a time, not a topic.
ASKS_WHEN = re.compile(r"\bwhen\s+(?:is|are|do|does|did|will|would|can|could|should|r|am|was|were|['’]?s)\b"
                       r"|\bhow\s+often\b|\bwhat\s+time\s+of\s+(?:the\s+)?year\b|\bwhich\s+months?\b", re.I)
# A time of year or a rhythm: a month (capitalised, or "May" would be the verb), a quarter, "twice a year".
SAYS_WHEN = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|October|November"
                       r"|December|Q[1-4]|H[12])\b|(?i:\b(?:quarterly|annually|yearly|monthly|weekly|biannual\w*"
                       r"|half[-\s]yearly|(?:once|twice|two\s+times|three\s+times)\s+a\s+(?:year|quarter|month)"
                       r"|every\s+(?:\w+\s+)?(?:weeks?|months?|quarters?|years?|half)"  # not "each cycle": no time
                       r"|each\s+(?:quarter|year|half|month|week)|end\s+of\s+(?:each|every|the)\s+(?:quarter|year|half|month))\b)")
# "Who do Staff PMs report to?": asked for a reporting line …
WHO_REPORTS_TO = re.compile(r"\bwho\b[^?]{0,50}?\breport(?:s|ing)?\s+(?:in)?to\b", re.I)
# … and "who's their boss?", "who would be my manager there?", whatever the field is called
ASKS_BOSS = re.compile(r"\bboss(?:es)?\b|\bwho(?:['’]?s|\s+is|\s+would\s+be|\s+will\s+be)\s+(?:their|his|her|my|the"
                       r"|your)\s+(?:line\s+)?manager\b", re.I)
# "Staff PMs report to a Director", "reporting line": the relation said
REPORTING_LINE = re.compile(r"\breport(?:s|ed|ing)?\s+(?:in)?to\b|\breporting\s+line", re.I)
SAYS_BOSS = re.compile(rf"{REPORTING_LINE.pattern}|\bline\s+manager\b", re.I)
# "Does a Principal PM manage people?", "any direct reports?": asked whom a level manages.
ASKS_MANAGING = re.compile(r"\bmanag\w*\s+(?:people|anyone|anybody|others|a\s+team|pms|product\s+managers)\b"
                           r"|\bdirect\s+reports\b|\b(?:have|has|get)\s+(?:any\s+)?reports\b|\bpeople\s+manager\b"
                           r"|\bhow\s+many\s+(?:reports|reportees|directs|people|ppl|pms|product\s+managers)\b", re.I)
SAYS_MANAGING = re.compile(r"\bdirect\s+reports?\b|\bline[-\s]manag(?:es?|ing)\b|\bspan\s+of\s+control\b|\bno\s+reports\b"
                           r"|\bmanages?\s+(?:\d|two|three|four|five|six|a\s+team|people|other|no\s+one)", re.I)
# "How many reports would I have?", "how big is their team?": asked for a count, which a figure gives
ASKS_COUNT = re.compile(r"\bhow\s+(?:many|big|large)\b|\b(?:team|org|organi[sz]ation)\s+size\b", re.I)
# "Who signs off on it?", "who decides promotions?": asked who acts, which a sentence naming its agent says
ASKS_WHO_DECIDES = re.compile(r"\bwho\b(?:\s+\w+){0,3}?\s+(?:decid\w*|approv\w*|sign\w*\s+off|ok(?:ay)?s|signs?|"
                              r"makes?\s+the\s+(?:call|decision)|has\s+the\s+(?:final\s+)?say|review\w*|agree\w*)\b", re.I)
SAYS_AGENT = re.compile(r"\b(?:decided|approved|signed\s+off|agreed|reviewed|chosen|made)\s+(?:\w+\s+){0,3}?by\b"
                        r"|\b(?:decides?|approves?|signs?\s+off)\b", re.I)
ASKED_SHAPES = ((ASKS_WHEN, SAYS_WHEN), (ASKS_WHO_DECIDES, SAYS_AGENT), (re.compile(rf"{WHO_REPORTS_TO.pattern}|{ASKS_BOSS.pattern}", re.I), SAYS_BOSS),
                (ASKS_MANAGING, SAYS_MANAGING), (ASKS_COUNT, NUMBER))


@dataclass
class Candidate:
    sentence: Sentence
    passage: Passage
    meaning: float
    words: float
    score: float

    @property
    def text(self) -> str:
        return self.sentence.text

    def as_json(self) -> dict:
        return {"sentence": self.text, "chunk_id": self.passage.chunk_id, "voice": self.sentence.voice,
                "meaning": round(self.meaning, 3), "words": round(self.words, 3), "score": round(self.score, 3)}


def rank_sentences(question: str, vector: np.ndarray, passages: list[Passage], index: SentenceIndex,
                   generation: int | None = None, levels: set[str] = frozenset(),
                   named_in: Callable[[str], tuple[str, ...]] | None = None) -> list[Candidate]:
    """Every stored sentence of these passages, best first. ``levels``: those the question is about; a
    sentence from their passages, or naming one of them (``named_in``), is favoured."""
    stored = index.for_chunks([p.chunk_id for p in passages if p.metadata.get("kind") != "framework"], generation)
    pairs = [(s, p) for p in passages for s in stored.get(p.chunk_id, [])]
    if not pairs:
        return []
    meaning = unit_rows(np.stack([s.vector for s, _ in pairs])) @ unit_rows(vector)[0]
    # A passage's section names what its sentences are about ("Senior PM › Product strategy").
    words = _word_scores(question, [f"{p.section}\n{s.text}" for s, p in pairs])
    shapes = [says for asks, says in ASKED_SHAPES if asks.search(question)]
    out = []
    for (sentence, passage), m, w in zip(pairs, meaning, words):
        rank = passage.rank or UNRANKED
        # "Staff PMs report to a Director of Product" under "Reporting lines" is about Staff PMs too
        about = levels & passage.levels or (levels and named_in is not None and levels.intersection(named_in(sentence.text)))
        bonus = LEVEL_BONUS if about else 0.0
        bonus += SHAPE_BONUS * sum(bool(says.search(sentence.text)) for says in shapes)  # a count of reports: both
        out.append(Candidate(sentence, passage, float(m), w,
                             float(m) + WORDS_WEIGHT * w + bonus - RANK_PENALTY * rank))
    out.sort(key=lambda c: -c.score)
    return out


def _word_scores(question: str, sentences: list[str]) -> list[float]:
    """Share of the question's words in each sentence, each word weighted by its rarity among these sentences."""
    asked = list(dict.fromkeys(tokenize(question)))
    bags = [set(tokenize(s)) for s in sentences]
    if not asked:
        return [0.0] * len(sentences)
    n = len(bags)
    weight = {w: math.log(1 + n / (1 + sum(near_match(w, bag) for bag in bags))) for w in asked}
    total = sum(weight.values()) or 1.0
    return [sum(weight[w] for w in asked if near_match(w, bag)) / total for bag in bags]


NEAR_DUPLICATE = 0.5  # share of content words two sentences have in common to say the same thing
SAME_MEANING = 0.8  # and the cosine of their stored vectors


_NAME_FIELD = re.compile(r"^(?:[^:\n]{0,40}? — )?(?:(?:job\s+)?(?:title|name|role|level|grade|position)"
                         r"(?:\s*\([^()]{1,30}\))?\s*:\s*)?(.+)$", re.I)  # "Title (IC path): Lead PM" too
LEAD_IN = re.compile(r":\W*$")
# "(If you would rather manage, see *Switching tracks* below.)", "To reach G6-M instead, see track_switching.":
# a pointer to another part of the document says nothing of its own.
POINTER = re.compile(r"^[^.]{0,80}\b[Ss]ee\s+(?:the\s+)?(?:below|above|[*_\"“][^*_\"”]{1,40}[*_\"”]|\w+_\w+"
                     r"|[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3}|\w+(?:\s+\w+)?\s+(?:section|page))"
                     r"(?:\s+(?:below|above|section|page))?\W*$")


def names_only(c: Candidate) -> bool:
    """The sentence only names a level ("P3 — Title: Senior Product Manager"): in a row about that level it
    says nothing more. A named field that is not a name ("Reports to: Head of Product") is kept."""
    m = _NAME_FIELD.match(c.text.strip())
    return bool(m) and is_level_label(m.group(1).strip(" ."))


def advice(candidates: list[Candidate], asides: bool = False) -> list[Candidate]:
    """Candidates a mentor may offer: not the author's asides (unless the question is about the document
    itself), and each thing said once (of two sentences that say nearly the same, the better-ranked one)."""
    kept: list[tuple[set[str], set[str], np.ndarray]] = []
    out = []
    for c in candidates:
        words = set(tokenize(c.text))
        # "Span of control: 4" and "Span of control: 0" are two facts, not one said twice.
        numbers = set(re.findall(r"\d+", c.text))
        if LEAD_IN.search(c.text):  # "At this level, you'll be expected to:" says nothing without its list
            continue
        if names_only(c) or POINTER.match(c.text):  # "Title: Senior PM" in that level's row; "see X below"
            continue
        # Words alone would join "A Principal PM is at the same band as a Lead PM" and "Lead PMs and Principal
        # PMs report to a Head of Product": the levels' names are most of both. The meaning must match too.
        if (asides or c.sentence.is_advice) and not any(
                _overlap(words, k) >= NEAR_DUPLICATE and numbers == n and float(v @ c.sentence.vector) >= SAME_MEANING
                for k, n, v in kept):
            kept.append((words, numbers, c.sentence.vector))
            out.append(c)
    return out


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0
