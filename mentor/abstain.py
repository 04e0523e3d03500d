"""Do the sources answer this? Decided by how well they support the question, never by its wording.

Three signals, each for a class of questions:

* meaning: the best cosine between the question and any sentence the mentor
  may offer (``select``); below ``MEANING_MIN`` nothing in the sources is about it;
* a missing key concept: words the corpus and the ladder never use are taken
  out of the question and it is embedded again; if that changes its meaning by
  more than ``DROP_MAX`` the question hinged on them ("interview loop at
  Google"), while filler and slang ("tbh", "lol") change almost nothing;
* figures: a question that asks for a number needs a sentence with a number
  among the closest ones (``NUMBER_MEANING_MIN``).

The thresholds are fitted on the dev split of ``evals/`` (``fit`` below,
re-run by tests/test_abstain_fit.py); the test split reports them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from mentor.classify import unit_rows
from mentor.select import Candidate
from mentor.text import NUMBER, near_match, tokenize

MEANING_MIN = 0.30
DROP_MAX = 0.12
NUMBER_MEANING_MIN = 0.35
QUOTE_MIN = 0.30  # the nearest sentence is quoted only when it is at least this close
# What kind of figure a question asks for: names the gap in the reply without echoing the user's words.
FIGURE_KINDS = (
    ("salary", re.compile(r"salar|pay|paid|earn|compensation|wage|income|money|\$|bonus|equity|stock", re.I)),
    ("timeline", re.compile(r"how\s+long|years?|months?|weeks?|time", re.I)),
    ("headcount", re.compile(r"how\s+many|how\s+big|team\s+size|people", re.I)),
    ("percentage", re.compile(r"percent|%|share|ratio|odds|chance", re.I)),
)


@dataclass
class Support:
    covered: bool
    reason: str  # why, for the trace
    gap: str = "that"  # what is missing, in the reply's words
    nearest: Candidate | None = None
    features: dict = field(default_factory=dict)

    def trace(self) -> dict:
        return {"covered": self.covered, "reason": self.reason, "gap": self.gap,
                "features": {k: round(v, 3) if isinstance(v, float) else v for k, v in self.features.items()},
                "nearest": self.nearest.as_json() if self.nearest else None}


def unknown_words(question: str, vocabulary: set[str], ladder_words: set[str]) -> list[str]:
    """The question's words that neither the corpus nor the ladder ever uses."""
    known = vocabulary | ladder_words
    return [w for w in dict.fromkeys(tokenize(question)) if not w.isdigit() and not near_match(w, known)]


def meaning_drop(question: str, vector: np.ndarray, unknown: list[str], embed_query) -> float:
    """How far the question's meaning moves when its unknown words are taken out."""
    if not unknown:
        return 0.0
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in unknown) + r")s?\b", re.I)
    rest = " ".join(pattern.sub(" ", question).split())
    if not re.search(r"[A-Za-z]", rest):
        return 1.0
    other = np.asarray(embed_query(rest), dtype=np.float32)
    return float(1.0 - (unit_rows(other) @ unit_rows(vector).T)[0, 0])


def assess(intent: str, question: str, vector: np.ndarray, candidates: list[Candidate], everything: list[Candidate],
           unknown: list[str], embed_query, ladder_answers: bool) -> Support:
    """``candidates``: what may be offered as advice, best first; ``everything``: all sentences, for the nearest quote."""
    best = candidates[0] if candidates else None
    features = {"meaning": best.meaning if best else 0.0, "unknown": len(unknown)}
    nearest = next((c for c in everything if c.meaning >= QUOTE_MIN), None)
    if intent in ("greeting", "statement"):
        return Support(True, "no sources needed", features=features)
    if intent == "figure":
        return _figure_support(question, candidates, nearest, features)
    if ladder_answers:  # a route or next step is the ladder's to give, whatever else the message says
        return Support(True, "the ladder answers it", features=features)
    drop = meaning_drop(question, vector, unknown, embed_query)
    features["drop"] = drop
    if drop > DROP_MAX:
        return Support(False, "the question hinges on words the sources never use", nearest=nearest,
                       features=features)
    if best is None or best.meaning < MEANING_MIN:
        return Support(False, "no sentence is close in meaning", nearest=nearest, features=features)
    return Support(True, "a close sentence", features=features)


def _figure_support(question: str, candidates: list[Candidate], nearest: Candidate | None, features: dict) -> Support:
    with_number = [c for c in candidates[:20] if NUMBER.search(c.text) and c.meaning >= NUMBER_MEANING_MIN]
    features["number_meaning"] = with_number[0].meaning if with_number else 0.0
    if with_number:
        return Support(True, "a close sentence gives a figure", features=features)
    kind = next((name for name, pattern in FIGURE_KINDS if pattern.search(question)), "")
    return Support(False, "no close sentence gives a figure", gap=f"{kind} figures".strip() if kind else "figures",
                   nearest=nearest, features=features)


def message(support: Support) -> str:
    if support.gap.endswith("figures"):
        first = f"My sources give no {support.gap}, so I won't guess a number."
    else:
        first = "My sources don't cover that, so I won't guess."
    return first
