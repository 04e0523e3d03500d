"""Text helpers shared by every step: words, sentences, numbers, JSONL."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

STOPWORDS = frozenset(
    """a an and are as at be but by can do does for from has have how i if in into is it its me my of on or
    our so than that the their them then there these they this to was we what when where which who why will
    with you your am been between being did doing had he her him his i'm i've im she should would could us""".split()
)

# Chat filler and slang that carries no topic ("tho", "ngl", "lowkey"): a closed class, so it never reads as
# a concept the sources lack.
FILLER = frozenset(
    """tbh ngl lol lmao lmk idk imo imho btw fwiw iirc afaik tho though pls plz thx ty ok okay k yo hey hi bruh
    hmm um uh like literally basically honestly actually really kinda sorta ya yeah yep yup nah nope lowkey
    highkey fr rn u ur gonna wanna gotta just even tho anyway anyways""".split()
)

# How often or how surely something holds ("usually", "typically"): how it is asked, never the topic
HEDGES = frozenset("usually typically normally generally often commonly mostly roughly approximately around "
                   "average typical normal usual".split())

# "How long", "how often", "how big": what kind of figure is asked for, never a topic the sources lack.
HOW_ASKED = frozenset("long often many much big large soon frequently".split())

# What a casual question may open with before it asks anything: "ok so", "quick q", "hey", "tbh".
OPENER = (r"(?:(?:so|ok|okay|and|but|hey|hi|hello|um+|uh+|btw|tbh|ngl|honestly|real\s+quick|quick\s+(?:q|question)"
          r"|random\s+q(?:uestion)?|question)\W+)*")
# "At Acme, is …", "In our ladder, does …": where a question is asked of, before the question itself
WHERE_FIRST = r"(?:(?:at|in|within|for)\s+[^,?]{1,40},\s*)?"
# A figure in words or digits: "five direct reports", "1-2 years", "$120k".
NUMBERISH = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundred|thousand)\b", re.I)
NUMBER = re.compile(r"\$?(?<![A-Za-z])(?<![A-Za-z]-)\d[\d,.]*%?k?|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                    r"\w+teen|twenty|thirty|forty|fifty|hundred|thousand|million|dozen|half|twice|double|triple)\b",
                    re.IGNORECASE)
YEAR = re.compile(r"\b(?:1[89]|20)\d\d(?:'?s)?\b")


def has_figure(text: str) -> bool:
    """A count, amount or share in the text; a year ("the mid 2000s") is a date, not a figure."""
    return bool(NUMBER.search(YEAR.sub(" ", text)))


NEGATION = re.compile(r"\b(not|never|no|none|cannot|without)\b|n't\b", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.!?])(?:\s*(?:\[\d+\])+)?\s+(?=[\"'“(]?(?:\*\*|__|[*_])?[A-Z0-9])")  # "**Bold**" too
MARKER = re.compile(r"\s*\[\d+\]")


def a_or_an(noun: str) -> str:
    """ "a Senior Product Manager", "an Associate Product Manager" (by the first letter: titles, not "an hour")."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def tokenize(text: str) -> list[str]:
    """Lower-cased words without stop words, plural 's' folded (managers -> manager)."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return [w[:-1] if len(w) > 2 and w.endswith("s") and not w.endswith(("ss", "us", "is")) else w
            for w in words if w not in STOPWORDS and len(w) > 1]


def near_match(word: str, words: set[str]) -> bool:
    """In the set, or sharing all but its last two letters with a word there (manage ~ manager)."""
    if word in words:
        return True
    if len(word) < 5:
        return False
    stem = word[:max(5, len(word) - 2)]
    return any(w.startswith(stem) for w in words)


# Abbreviations that end in a full stop mid-sentence ("a Sr. PM", "e.g. Jira"), so no sentence ends there.
ABBREVIATION = re.compile(r"(?:^|[\s(])(?:Sr|Jr|Snr|Dir|Mgr|Assoc|Approx|Dept|Incl|Mr|Mrs|Ms|Dr|vs|e\.g|i\.e|cf|approx)\.$",
                          re.IGNORECASE)


# "No. Every promotion is one level at a time.": a bare yes or no is no sentence of its own
BARE_ANSWER = re.compile(r"^(?:\*\*|__)?(?:yes|no|yep|nope|correct|not\s+quite)[.!]?(?:\*\*|__)?$", re.I)


def split_sentences(line: str) -> list[str]:
    parts: list[str] = []
    for part in SENTENCE_END.split(line.strip()):
        if parts and (ABBREVIATION.search(parts[-1]) or BARE_ANSWER.match(parts[-1])):
            parts[-1] = f"{parts[-1]} {part.strip()}"
        elif part and part.strip():
            parts.append(part.strip())
    return parts


# "…, and is there a minimum time?", "… and when does that happen?", "…? How many …": a second question
SECOND_QUESTION = re.compile(r"(?:[,;?]|\band\b|\bor\b)\s*(?:also\s+)?"
                             r"(?=(?:is|are|can|could|do|does|did|how|what|when|who|where|which|should|would|will|whats"
                             r"|what's)\b)", re.I)


def question_parts(question: str) -> list[str]:
    """The questions one message asks ("can I nominate myself? and how often does the panel meet?"), each
    with a word of its own ("or nah", "lol" ask nothing)."""
    return [p.strip() for p in SECOND_QUESTION.split(question) if any(w not in FILLER for w in tokenize(p))
            and not CONDITION.match(p)]


# "if I switch to Group PM, is that a promotion?", "im a pm at acme, how do i …": the clause before the
# question sets it up or says who is asking; it asks nothing
CONDITION = re.compile(r"^\W*(?:if|once|since|because|unless|assuming|suppose)\b"
                       r"|^\W*when\s+(?:i|you|we|they|someone|people|my|your)\b"
                       r"|^\W*(?:(?:ok|so|hey|hi)\W+)*(?:i['’]?m|im|i\s+am|i\s+work|i['’]ve\s+been|i\s+just)\b(?!.*(?:\?|[.!]\s))", re.I)


def sentences_of(text: str) -> list[str]:
    """Every sentence of a multi-line text, line by line (a bullet or table cell is its own sentence)."""
    return [balanced(s) for line in text.replace(" … ", "\n").splitlines() for s in split_sentences(line) if s]


# An emphasis mark at a sentence's edge, not inside a word ("track_switching" keeps its underscore).
_EDGE_MARK = (re.compile(r"^(\*\*|__|\*|_)(?=\S)"), re.compile(r"(?<=\S)(\*\*|__|\*|_)(?=[.!?:;,]*$)"))


def balanced(sentence: str) -> str:
    """ "_Maintained by the Product team." cut from an italic paragraph: the mark that opened or closed it in
    another sentence goes, or it would show as a stray underscore."""
    for edge in _EDGE_MARK:
        m = edge.search(sentence)
        mark = m.group(1) if m else ""
        # Marks of this kind not inside a word: an odd count means this one has no partner here.
        alone = sentence.replace("**", "") if mark == "*" else sentence  # a "*" is no half of a "**"
        if mark and len(re.findall(rf"(?<![A-Za-z0-9]){re.escape(mark)}|{re.escape(mark)}(?![A-Za-z0-9])", alone)) % 2:
            sentence = (sentence[:m.start(1)] + sentence[m.end(1):]).strip()
    return sentence


def plain(sentence: str) -> str:
    """A sentence without Markdown emphasis and citation markers."""
    return MARKER.sub("", re.sub(r"[*_`]", "", sentence)).strip()


def clean_text(text: str) -> str:
    """Control characters and stray surrogates out, Unicode composed; what a user typed, made safe to handle."""
    text = text.encode("utf-8", "replace").decode("utf-8") if isinstance(text, str) else str(text)
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
