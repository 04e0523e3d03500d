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
from dataclasses import dataclass

import numpy as np

from mentor.classify import unit_rows
from mentor.formats import is_level_label
from mentor.retrieve import Passage
from mentor.sentences import Sentence, SentenceIndex
from mentor.text import near_match, tokenize

WORDS_WEIGHT = 0.3
LEVEL_BONUS = 0.1  # a sentence from a passage about a level the question names
RANK_PENALTY = 0.01  # a lower-ranked passage's sentence needs to be a little better to win
UNRANKED = 7  # passages added for the ladder's sections or a close sentence count as just below the retrieved ones
WHEN_BONUS = 0.1  # a sentence that says when, for a question that asks when
# "When are promotions decided?", "how often do panels meet?": asked for a time, not a topic.
ASKS_WHEN = re.compile(r"\bwhen\s+(?:is|are|do|does|did|will|would|can|could|should|r|am|was|were|['’]?s)\b"
                       r"|\bhow\s+often\b|\bwhat\s+time\s+of\s+(?:the\s+)?year\b|\bwhich\s+months?\b", re.I)
# A time of year or a rhythm: a month (capitalised, or "May" would be the verb), a quarter, "twice a year".
SAYS_WHEN = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|October|November"
                       r"|December|Q[1-4]|H[12])\b|(?i:\b(?:quarterly|annually|yearly|monthly|weekly|biannual\w*"
                       r"|half[-\s]yearly|(?:once|twice|two\s+times|three\s+times)\s+a\s+(?:year|quarter|month)"
                       r"|every\s+(?:\w+\s+)?(?:weeks?|months?|quarters?|years?|cycles?|half)"
                       r"|each\s+(?:quarter|year|half|cycle)|end\s+of\s+(?:each|every|the)\s+\w+)\b)")


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
                   generation: int | None = None, levels: set[str] = frozenset()) -> list[Candidate]:
    """Every stored sentence of these passages, best first."""
    stored = index.for_chunks([p.chunk_id for p in passages if p.metadata.get("kind") != "framework"], generation)
    pairs = [(s, p) for p in passages for s in stored.get(p.chunk_id, [])]
    if not pairs:
        return []
    meaning = unit_rows(np.stack([s.vector for s, _ in pairs])) @ unit_rows(vector)[0]
    # A passage's section names what its sentences are about ("Senior PM › Product strategy").
    words = _word_scores(question, [f"{p.section}\n{s.text}" for s, p in pairs])
    asks_when = bool(ASKS_WHEN.search(question))
    out = []
    for (sentence, passage), m, w in zip(pairs, meaning, words):
        rank = passage.rank or UNRANKED
        bonus = LEVEL_BONUS if levels & passage.levels else 0.0
        if asks_when and SAYS_WHEN.search(sentence.text):
            bonus += WHEN_BONUS
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


_NAME_FIELD = re.compile(r"^(?:[^:\n]{0,40}? — )?(?:(?:job\s+)?(?:title|name|role|level|grade|position)\s*:\s*)?(.+)$",
                         re.I)
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
    kept: list[tuple[set[str], set[str]]] = []
    out = []
    for c in candidates:
        words = set(tokenize(c.text))
        # "Span of control: 4" and "Span of control: 0" are two facts, not one said twice.
        numbers = set(re.findall(r"\d+", c.text))
        if LEAD_IN.search(c.text):  # "At this level, you'll be expected to:" says nothing without its list
            continue
        if names_only(c) or POINTER.match(c.text):  # "Title: Senior PM" in that level's row; "see X below"
            continue
        if (asides or c.sentence.is_advice) and not any(_overlap(words, k) >= NEAR_DUPLICATE and numbers == n
                                                        for k, n in kept):
            kept.append((words, numbers))
            out.append(c)
    return out


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0
