"""Do the sources answer this? Decided by how well they support the question, never by its wording.

Three signals, each for a class of questions:

* meaning: the best cosine between the question and any sentence the mentor
  may offer (``select``); below ``meaning_min`` nothing in the sources is about it;
* a missing key concept: words the corpus and the ladder never use are taken
  out of the question and it is embedded again; if that changes its meaning by
  more than ``drop_max`` the question hinged on them ("interview loop at
  Google"), while filler and slang ("tbh", "lol") change almost nothing;
* figures: a question that asks for a number needs a sentence with a number
  among the closest ones (``number_meaning_min``).

The thresholds are fitted on the dev split of ``evals/`` (``mentor eval --fit``;
tests/test_abstain_fit.py re-runs the fit); the test split reports them.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

import numpy as np
import snowballstemmer

from mentor.classify import unit_rows
from mentor.sentences import HOUSEKEEPING
from mentor.select import LEAD_IN, SAYS_WHEN, WORDS_WEIGHT, Candidate
from mentor.understand import LADDER_TERMS
from rapidfuzz.distance import OSA
from rapidfuzz.process import extractOne

from mentor.text import has_figure, near_match, tokenize



@dataclass(frozen=True)
class Thresholds:
    meaning_min: float = 0.2
    drop_max: float = 0.14
    number_meaning_min: float = 0.45
    topic_drop_max: float = 0.45


THRESHOLDS = Thresholds()
QUOTE_MIN = 0.30  # the nearest sentence is quoted only when it is at least this close
QUOTE_MIN_WORDS = 4  # and says something: a bare title ("Product Management") is no quote
# What kind of figure a question asks for (it names the gap without echoing the user's words), and what a
# sentence must carry to give that kind: a head count is no salary, a year is no duration.
FIGURE_KINDS = (
    ("salary", re.compile(r"salar|pay|paid|earn|compensation|wage|income|money|\$|bonus|equity|stock|"
                          r"\bmak(?:e|es|ing)\s+(?:\w+\s+)?(?:more|less)\b", re.I),
     re.compile(r"salar|pay|paid|earn|compensation|wage|income|\$|£|€|bonus|equity|stock", re.I)),
    # "how often does the panel meet?": "every quarter", "twice a year" give it, with or without a digit
    ("frequency", re.compile(r"how\s+often|how\s+frequent\w*|how\s+many\s+times|\bfrequency\b", re.I), SAYS_WHEN),
    ("timeline", re.compile(r"how\s+long|years?|months?|weeks?|time", re.I),
     re.compile(r"\b(years?|months?|weeks?|days?)\b", re.I)),
    ("headcount", re.compile(r"how\s+many|how\s+big|team\s+size|people", re.I), None),
    ("percentage", re.compile(r"percent|%|share|ratio|odds|chance", re.I), re.compile(r"%|percent", re.I)),
)
NAMED_KINDS = {name for name, _, _ in FIGURE_KINDS}


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


def known_words(words: list[str], vocabulary: set[str]) -> list[str]:
    """Those of the words the vocabulary uses, in any inflection ("reports" where it says "reporting")."""
    stemmer = _stemmer()
    stems = set(stemmer.stemWords(sorted(vocabulary)))  # a level's own words: few, not worth the cache
    return [w for w in words if w in vocabulary or stemmer.stemWord(w) in stems]


def used_by(word: str, vocabulary: set[str]) -> bool:
    """Whether the corpus's vocabulary has the word, in any inflection (its stems cached per vocabulary)."""
    return word in vocabulary or _stemmer().stemWord(word) in _stems_of(vocabulary)


# What people ask when looking for a job, or about its terms, rather than about growing in one. Where no source
# uses the word, a question that turns on it is out of scope however plainly it names a level ("how should I
# word my CV for a Senior PM role?" is no route to Senior PM; "how much PTO do Senior PMs get?" no duty of one).
JOB_HUNTING = frozenset("resume resumes cv cvs interview interviews interviewing interviewer recruiter recruiters "
                        "headhunter headhunters linkedin portfolio negotiate negotiating negotiation visa visas "
                        "sponsorship relocate relocating relocation certification certifications certificate mba "
                        "bootcamp bootcamps pto vacation vacations holiday holidays sabbatical pension 401k "
                        "parental maternity paternity healthcare benefits perks sick insurance remote remotely hybrid "
                        "wfh onsite commute commuting resignation resign severance layoff layoffs overtime "
                        "freelance freelancing contractor contractors".split())


def job_hunting(unknown: list[str]) -> bool:
    """Whether a word no source uses is one of job hunting or a job's terms, typos included ("negociate")."""
    return any(w in JOB_HUNTING or (len(w) >= 5 and extractOne(w, JOB_HUNTING, scorer=OSA.distance, score_cutoff=1))
               for w in unknown)


def unknown_words(question: str, vocabulary: set[str], ladder_words: set[str]) -> list[str]:
    """The question's words that neither the corpus nor the ladder ever uses, in any inflection."""
    known = vocabulary | ladder_words
    stemmer = _stemmer()
    known_stems = _stems_of(vocabulary) | set(stemmer.stemWords(sorted(ladder_words)))
    return [w for w in dict.fromkeys(tokenize(question)) if not w.isdigit() and not near_match(w, known)
            and stemmer.stemWord(w) not in known_stems  # "hired" where the sources say "hiring"
            and not (len(w) >= 6 and extractOne(w, known, scorer=OSA.distance, score_cutoff=1))]  # organisation


_PER_THREAD = threading.local()
_STEMS: dict[int, tuple[set[str], set[str]]] = {}
_STEMS_LOCK = threading.Lock()


def stems(words) -> set[str]:
    """The words' snowball stems ("moving" and "move" are one)."""
    return set(_stemmer().stemWords(list(words)))


def _stemmer():
    # A snowball stemmer keeps the word it is working on in the object: one per thread, or the app's
    # concurrent sessions corrupt each other's stems (IndexError mid-word).
    stemmer = getattr(_PER_THREAD, "stemmer", None)
    if stemmer is None:
        stemmer = _PER_THREAD.stemmer = snowballstemmer.stemmer("english")
    return stemmer


def _stems_of(vocabulary: set[str]) -> set[str]:
    """Stems of a vocabulary, kept with the vocabulary object itself (cached per ingest generation upstream)."""
    with _STEMS_LOCK:
        cached = _STEMS.get(id(vocabulary))
    if cached is None or cached[0] is not vocabulary:
        cached = (vocabulary, set(_stemmer().stemWords(sorted(vocabulary))))
        with _STEMS_LOCK:
            if len(_STEMS) >= 8:  # the corpus's and a few documents' vocabularies; an old generation's go
                _STEMS.pop(next(iter(_STEMS)))
            _STEMS[id(vocabulary)] = cached
    return cached[1]


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
           unknown: list[str], embed_query, ladder_answers: bool, thresholds: Thresholds = THRESHOLDS,
           topic: str | None = None, asks_figure: bool = False, by_elimination: bool = False) -> Support:
    """``candidates``: what may be offered as advice, best first; ``everything``: all sentences, for the nearest
    quote. ``by_elimination``: the intent is not the one the examples liked best, which the question's shape
    ruled out."""
    features = measure(intent, question, vector, candidates, unknown, embed_query, ladder_answers, topic, asks_figure)
    features["by_elimination"] = by_elimination
    covered, reason = decide(features, thresholds)
    # The nearest thing the sources say: by meaning and the question's own words, not the level it names.
    close = [c for c in everything if quotable(c)]
    nearest = max(close, key=lambda c: c.meaning + WORDS_WEIGHT * c.words, default=None)
    gap = "that"
    if (intent == "figure" or features.get("asks_figure")) and not covered:
        kind = figure_kind(question)
        gap = figures_gap(kind) if kind else "that"
    return Support(covered, reason, gap, None if covered else nearest, features)


FIGURE_POOL = 20  # the best-ranked sentences a figure is looked for in


# "How many steering meetings …": a count of things, not of people; the sentence must name what it counts.
_COUNTED = re.compile(r"\bhow\s+many\s+((?:[a-z'-]+\s+){0,3}?[a-z'-]+?)(?=\s+(?:do|does|did|would|will|can|could|should|"
                      r"is|are|per|a|an|the|in|at|on|for|to|of|i|you|they|we|there|each|every)\b|\s*[?.!,]|\s*$)", re.I)
_PEOPLE_COUNTED = re.compile(r"\b(?:reports?|reportees|directs|people|ppl|persons?|pms?|managers?|members?|engineers?|"
                             r"designers?|folks|heads?|staff|employees|hires|individuals|team|teams|squads?|them|those|these)$", re.I)


def figure_kind(question: str) -> str:
    """The kind of figure a question asks for ("salary", "headcount", or the thing counted: "meetings"), or ""
    for any."""
    kind = next((name for name, asked, _ in FIGURE_KINDS if asked.search(question)), "")
    if kind == "headcount" and (m := _COUNTED.search(question)):
        words = m.group(1).lower().split()
        if not any(_PEOPLE_COUNTED.search(w) or w in LADDER_TERMS for w in words):
            return words[-1]
    return kind


def gives(kind: str, sentence: str) -> bool:
    """Whether a sentence with a figure carries the evidence of that kind (a head count is no salary; a count
    of meetings names meetings)."""
    if kind and kind not in NAMED_KINDS:
        return kind[:5] in sentence.lower()
    evidence = next((ev for name, _, ev in FIGURE_KINDS if name == kind), None)
    return evidence is None or bool(evidence.search(sentence))


# "does not manage other product managers", "no direct reports": a head count of none, said in words
MANAGES_NONE = re.compile(r"\b(?:not|no|never|without|none)\b\W+(?:\w+\W+){0,3}?(?:manag\w*|direct\s+reports|reports)\b"
                          r"|\bindividual\s+contributor\b", re.I)


def manages_no_one(u, ranked) -> Candidate | None:
    """The sentence saying that the one level a head count is asked of manages nobody."""
    if len(u.mentioned) != 1 or figure_kind(u.standalone) != "headcount":
        return None
    level = u.mentioned[0]
    return next((c for c in ranked if c.passage.levels == {level.id} and MANAGES_NONE.search(c.text)
                 and not re.search(r"\d", c.text)), None)


def speaks_of(fw, level, c: Candidate) -> bool:
    """A sentence about the level: from its own passage, or naming it wherever it sits ("Staff PMs report to
    Directors of Product" under "Reporting lines")."""
    return level.id in c.passage.levels or level.id in fw.subject_level_ids(c.text)


def quotable(c: Candidate) -> bool:
    """Fit to quote as the nearest thing the sources say: close, a statement ("X:" alone is none), not the
    page's housekeeping, and an aside of the author's only where it speaks of what was asked (where the salary
    data comes from), not "I bet this is because it depends on the organization", which would read as advice."""
    return c.meaning >= QUOTE_MIN and not LEAD_IN.search(c.text) and not HOUSEKEEPING.search(c.text) \
        and (c.sentence.is_advice or c.words > 0) and len(c.text.split()) >= QUOTE_MIN_WORDS


def states_figure(kind: str, sentence: str) -> bool:
    """Whether the sentence gives a figure of the kind asked for; a rhythm ("every quarter") is a frequency,
    and only an amount or a pay band is pay ("no change to salary for 12 months" gives none)."""
    if kind == "salary":
        return bool(MONEY.search(sentence))
    return (has_figure(sentence) or (kind == "frequency" and bool(SAYS_WHEN.search(sentence)))) \
        and gives(kind, sentence)


MONEY = re.compile(r"[$£€]\s?\d|\b\d[\d,.]*\s?(?:k|K)\b|\b\d{2,3},\d{3}\b|\b(?:USD|GBP|EUR|dollars|pounds|euros)\b"
                   r"|\b(?:pay|salary|compensation)\s+(?:band|grade|level|range)\s+\w+", re.I)


def figures_gap(kind: str) -> str:
    """What is missing, in the reply's words: "salary figures", "figures on meetings"."""
    return f"{kind} figures" if kind in NAMED_KINDS else f"figures on {kind}"


def measure(intent: str, question: str, vector: np.ndarray, candidates: list[Candidate], unknown: list[str],
            embed_query, ladder_answers: bool, topic: str | None = None, asks_figure: bool = False) -> dict:
    """``topic``: the question without the levels it names, whose names would outweigh a missing concept."""
    kind = figure_kind(question)
    with_number = [c.meaning for c in candidates[:FIGURE_POOL] if states_figure(kind, c.text)]
    return {"intent": intent, "ladder": ladder_answers, "unknown": len(unknown), "asks_figure": asks_figure,
            "job_hunting": job_hunting(unknown),
            "meaning": candidates[0].meaning if candidates else 0.0,
            "drop": meaning_drop(question, vector, unknown, embed_query) if intent not in ("greeting", "statement") else 0.0,
            "topic_drop": _topic_drop(topic, unknown, embed_query) if topic and intent not in ("greeting", "statement") else 0.0,
            "number_meaning": max(with_number, default=0.0)}


def _topic_drop(topic: str, unknown: list[str], embed_query) -> float:
    if not unknown:
        return 0.0
    return meaning_drop(topic, np.asarray(embed_query(topic), dtype=np.float32), unknown, embed_query)


def decide(f: dict, t: Thresholds = THRESHOLDS) -> tuple[bool, str]:
    if f["intent"] in ("greeting", "statement"):
        return True, "no sources needed"
    if f.get("job_hunting"):
        return False, "it turns on job hunting or a job's terms, which no source covers"
    if f["intent"] == "figure" or f.get("asks_figure"):
        if f["number_meaning"] >= t.number_meaning_min and f["drop"] <= t.drop_max:
            return True, "a close sentence gives a figure"
        return False, "no close sentence gives a figure"
    hinges = f["drop"] > t.drop_max or f.get("topic_drop", 0.0) > t.topic_drop_max
    # A route or next step is the ladder's to give, unless it hinges on what no source speaks of and was read
    # so only because likelier kinds did not fit ("the best PM bootcamp to take").
    if f["ladder"] and f["intent"] != "ladder" and not (hinges and f.get("by_elimination")):
        return True, "the ladder answers it"
    if hinges:
        return False, "the question hinges on words the sources never use"
    if f["ladder"]:  # a question about the ladder itself, in words the sources use
        return True, "the ladder answers it"
    if f["meaning"] < t.meaning_min:
        return False, "no sentence is close in meaning"
    return True, "a close sentence"


def fit(rows: list[tuple[dict, bool]]) -> tuple[Thresholds, float]:
    """The thresholds with the best abstention F1 on labelled (features, should abstain) rows; ties go to the
    values nearest the middle of their grid, so a fit is stable under small changes of the set."""
    grid = [round(0.05 * i, 2) for i in range(3, 13)]
    drops = [round(0.02 * i, 2) for i in range(3, 14)]
    topic_drops = [round(0.05 * i, 2) for i in range(3, 12)] + [1.0]
    best, best_key = THRESHOLDS, (-1.0, 0.0)
    for m in grid:
        for d in drops:
            for n in grid:
                for td in topic_drops:
                    t = Thresholds(m, d, n, td)
                    f1 = abstention_f1([(not decide(f, t)[0], y) for f, y in rows])
                    key = (round(f1, 6), -abs(m - 0.4) - abs(d - 0.15) - abs(n - 0.4) - abs(td - 0.4))
                    if key > best_key:
                        best, best_key = t, key
    return best, best_key[0]


def abstention_f1(pairs: list[tuple[bool, bool]]) -> float:
    """F1 of (abstained, should abstain) pairs, abstaining as the positive class."""
    tp = sum(a and y for a, y in pairs)
    fp = sum(a and not y for a, y in pairs)
    fn = sum(y and not a for a, y in pairs)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def message(support: Support) -> str:
    if support.gap.endswith("."):  # a whole sentence already: what the ladder lacks
        return support.gap
    if "figures" in support.gap:
        first = f"My sources give no {support.gap}, so I won't guess a number."
    else:
        first = "My sources don't cover that, so I won't guess."
    return first
