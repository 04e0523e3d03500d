"""The citation check every engine's text goes through.

Each sentence is scored against the passage(s) it cites:

* lexical support: the share of the sentence's content words found in the
  passage (with its section heading, which is part of the source);
* semantic support: cosine similarity, with the packaged embedding model,
  between the sentence and the closest sentence of the passage;
* any number in the sentence must appear in the passage: no invented figures.

A sentence is supported when lexical >= LEXICAL_STRONG, or lexical >=
LEXICAL_WEAK and semantic >= SEMANTIC_MIN; and its negation matches the
passage sentence it is closest to. The thresholds are the best F0.5 (precision
weighs more) of a grid sweep on evals/support.jsonl: 42 labelled sentences
(verbatim, paraphrase, invented, negated, wrong number, wrong passage).
tests/test_support_eval.py re-runs the sweep and holds these values to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from mentor.retrieve import Passage
from mentor.text import NEGATION, NUMBER, sentences_of, split_sentences, tokenize
from mentor.text import plain as to_plain

LEXICAL_STRONG = 0.8
LEXICAL_WEAK = 0.4
SEMANTIC_MIN = 0.7
AUTO_CITE_LEXICAL = 0.85  # an uncited sentence this close to one passage gets that citation

_MARKER = re.compile(
    r"\[\^?\s*(?:source|src|passage|ref)?\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]"
    r"|\(\s*(?:source|src|passage|ref)s?\s*#?\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\)"
    r"|【\s*(\d+)\s*】",
    re.IGNORECASE,
)
# Where a sentence points outside the text: Markdown link/image targets, HTML src/href, bare URLs, www.
_TARGETS = re.compile(
    r"\]\(\s*<?([^)\s>]+)"
    r"|\b(?:src|href)\s*=\s*[\"']?([^\"'\s>]+)"
    r"|((?:\b[a-z][a-z0-9+.-]*://|\bwww\.)[^\s<>\"'`)\]]+)",
    re.IGNORECASE,
)
_IMAGE = re.compile(r"!\[[^\]]*\]|<img\b", re.IGNORECASE)
# Headings, bold labels, rules and whole italic lines (notes; a name in them may hold "_": "Acme_PM_Levels").
_STRUCTURE = re.compile(r"^\s*(#{1,6}\s|\*\*[^*]+\*\*:?\s*$|_(?!\s)[^\n]*(?<!\s)_\s*$|\*[^*]+\*\s*$|---+\s*$)")


@dataclass
class SentenceCheck:
    text: str
    cited: list[int]
    supported: bool
    lexical: float = 0.0
    semantic: float | None = None
    best: int | None = None
    reason: str = ""
    quotes: dict[int, str] = field(default_factory=dict)  # cited passage -> the sentence that supports it

    def as_json(self) -> dict:
        return {"sentence": self.text, "cited": self.cited, "supported": self.supported,
                "lexical": round(self.lexical, 3), "semantic": None if self.semantic is None else round(self.semantic, 3),
                "reason": self.reason}


@dataclass
class Checked:
    text: str  # renumbered [1]..[n] in order of first use
    used: list[tuple[int, Passage, list[str]]]  # (new n, passage, supporting quotes)
    sentences: list[SentenceCheck] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    dropped_markers: list[str] = field(default_factory=list)

    @property
    def supported_count(self) -> int:
        return sum(1 for s in self.sentences if s.supported and s.cited)


def normalize_markers(text: str, valid: set[int]) -> tuple[str, list[str]]:
    """Rewrite every citation style to [n]; drop markers that name no passage we gave."""
    dropped: list[str] = []

    def repl(m: re.Match) -> str:
        numbers = [int(x) for x in re.split(r"\s*[,;]\s*", next(g for g in m.groups() if g))]
        kept = [n for n in numbers if n in valid]
        dropped.extend(str(n) for n in numbers if n not in valid)
        return "".join(f"[{n}]" for n in kept)

    return _MARKER.sub(repl, text), dropped


class Verifier:
    def __init__(self, embedder=None):
        self.embedder = embedder
        self._cache: dict[str, np.ndarray] = {}

    def _embed(self, texts: list[str]) -> list[np.ndarray]:
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            for t, v in zip(missing, self.embedder.embed_documents(missing)):
                self._cache[t] = np.asarray(v, dtype=np.float32)
        return [self._cache[t] for t in texts]

    def support(self, sentence: str, passage: Passage) -> tuple[bool, float, float | None, str]:
        """(supported, lexical, semantic, best-matching passage sentence)."""
        plain = to_plain(sentence)
        words = set(tokenize(plain))
        source = f"{passage.section}\n{passage.text}"
        source_words = set(tokenize(source))
        lexical = len(words & source_words) / len(words) if words else 0.0
        numbers = {n.lower().strip(".,") for n in NUMBER.findall(plain)}
        source_numbers = {n.lower().strip(".,") for n in NUMBER.findall(source)}
        candidates = sentences_of(passage.text) or [passage.text]
        best_quote = max(candidates, key=lambda s: len(words & set(tokenize(s))))
        if numbers - source_numbers:
            return False, lexical, None, best_quote
        if bool(NEGATION.search(plain)) != bool(NEGATION.search(best_quote)):
            return False, lexical, None, best_quote  # "are not responsible" against "are responsible"
        if lexical >= LEXICAL_STRONG:
            return True, lexical, None, best_quote
        if lexical < LEXICAL_WEAK or self.embedder is None:
            return False, lexical, None, best_quote
        vectors = self._embed([plain, *candidates])
        sims = [float(vectors[0] @ v / (np.linalg.norm(vectors[0]) * np.linalg.norm(v) + 1e-12)) for v in vectors[1:]]
        i = int(np.argmax(sims))
        return sims[i] >= SEMANTIC_MIN, lexical, sims[i], candidates[i]

    def check(self, text: str, passages: dict[int, Passage], unsupported: str = "remove") -> Checked:
        text, dropped = normalize_markers(text, set(passages))
        renumber: dict[int, int] = {}
        quotes: dict[int, list[str]] = {}
        checks: list[SentenceCheck] = []
        removed: list[str] = []
        out_lines: list[str] = []
        def keep(sentence: str) -> str | None:
            """The sentence with its citations renumbered, or None when the sources do not support it."""
            cited = list(dict.fromkeys(int(n) for n in re.findall(r"\[(\d+)\]", sentence)))
            plain = to_plain(sentence)
            if not re.search(r"\w", plain):
                return None
            check = _outside_targets(sentence, self._check_sentence(plain, cited, passages), passages)
            checks.append(check)
            if not check.supported:
                removed.append(plain)
                return f"{plain} *(not from the sources)*" if unsupported == "mark" else None
            refs = []
            for n in check.cited:
                refs.append(f"[{renumber.setdefault(n, len(renumber) + 1)}]")
                quotes.setdefault(n, [])
            body = re.sub(r"\s*\[\d+\]", "", sentence).rstrip()
            if refs:  # markers go before the closing punctuation: "... reports [1]."
                words, end = re.match(r"^(.*?)([.!?:;]*)$", body, re.S).groups()
                body = f"{words} {''.join(refs)}{end}"
            for n, quote in check.quotes.items():
                if quote not in quotes[n]:
                    quotes[n].append(quote)
            return body

        for line in text.splitlines():
            if not line.strip() or _STRUCTURE.match(line):
                out_lines.append(line)
                continue
            if line.lstrip().startswith("|"):
                out_lines.append(_table_row(line, keep))
                continue
            prefix = re.match(r"^\s*(?:[-*+]\s+|\d+[.)]\s+|>\s*)?", line).group(0)
            kept_sentences = [body for body in map(keep, split_sentences(line[len(prefix):])) if body]
            if kept_sentences:
                out_lines.append(prefix + " ".join(kept_sentences))
        cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(_drop_orphan_labels(out_lines))).strip()
        used = [(new, passages[old], quotes.get(old) or [passages[old].text]) for old, new in
                sorted(renumber.items(), key=lambda kv: kv[1])]
        return Checked(cleaned, used, checks, removed, dropped)

    def _check_sentence(self, plain: str, cited: list[int], passages: dict[int, Passage]) -> SentenceCheck:
        if cited:
            supporting: dict[int, str] = {}
            lexical_best, semantic_best = 0.0, None
            for n in cited:
                ok, lexical, semantic, quote = self.support(plain, passages[n])
                lexical_best = max(lexical_best, lexical)
                if semantic is not None:
                    semantic_best = max(semantic_best or 0.0, semantic)
                if ok:
                    supporting[n] = quote
            if supporting:
                # Keep only the citations that support the sentence: a citation is precise or gone.
                return SentenceCheck(plain, list(supporting), True, lexical_best, semantic_best, next(iter(supporting)),
                                     "cited passage supports it", supporting)
            return SentenceCheck(plain, [], False, lexical_best, semantic_best, None, "cited passages do not support it")
        # No marker: cite the passage that carries it almost word for word, else it is not a sourced fact.
        best_n, best_lexical, best_quote = None, 0.0, ""
        for n, passage in passages.items():
            ok, lexical, _, quote = self.support(plain, passage)
            if ok and lexical > best_lexical:
                best_n, best_lexical, best_quote = n, lexical, quote
        if best_n is not None and best_lexical >= AUTO_CITE_LEXICAL:
            return SentenceCheck(plain, [best_n], True, best_lexical, None, best_n, "uncited; matched a passage",
                                 {best_n: best_quote})
        return SentenceCheck(plain, [], False, best_lexical, None, None, "no citation and no passage carries it")


def _outside_targets(sentence: str, check: SentenceCheck, passages: dict[int, Passage]) -> SentenceCheck:
    """A URL or image the cited passage does not itself hold is the writer's, not the source's: unsupported."""
    targets = {next(g for g in m.groups() if g).rstrip(".,;:!?") for m in _TARGETS.finditer(sentence)}
    if not check.supported or not (targets or _IMAGE.search(sentence)):
        return check
    if targets and any(all(t in passages[n].text for t in targets) for n in check.cited):
        return check
    return SentenceCheck(check.text, [], False, check.lexical, check.semantic, None,
                         "a link or image the cited passage does not hold")


def _table_row(line: str, keep) -> str:
    """A Markdown table row: each cited cell is checked on its own; an unsupported one becomes "—".

    Cells without a citation are labels (the header, the first column) and pass as structure.
    """
    cells = line.strip().strip("|").split("|")
    out = []
    for cell in cells:
        if re.search(r"\[\d+\]", cell):
            kept = [body for body in map(keep, split_sentences(cell.strip())) if body]
            out.append(" ".join(kept) if kept else "—")
        else:
            out.append(cell.strip())
    return "| " + " | ".join(out) + " |"


def _drop_orphan_labels(lines: list[str]) -> list[str]:
    """A bold label or heading whose content was all removed is dropped too."""
    out = []
    for i, line in enumerate(lines):
        if re.match(r"^\s*(#{1,6}\s|\*\*[^*]+\*\*:?\s*$)", line):
            rest = [x for x in lines[i + 1:] if x.strip()]
            if not rest or _STRUCTURE.match(rest[0]) and re.match(r"^\s*#", rest[0]) and not re.match(r"^\s*#", line):
                continue
        out.append(line)
    return out
