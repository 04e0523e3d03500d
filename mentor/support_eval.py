"""How well the citation check separates supported from unsupported sentences (evals/support.jsonl).

Each line pairs a sentence with the passage it would cite and a human label.
`sweep` tries threshold combinations so the ones in mentor/verify.py can be
shown to be a good choice on this data, not a guess.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from mentor import verify
from mentor.retrieve import Passage
from mentor.settings import PROJECT_ROOT

SUPPORT_SET = PROJECT_ROOT / "evals" / "support.jsonl"


def load(path: Path = SUPPORT_SET) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def judge(verifier: verify.Verifier, items: list[dict], passages: dict[str, Passage]) -> list[tuple[bool, bool, float, float | None]]:
    """(label, verdict, lexical, semantic) per item, with the verifier's current thresholds."""
    out = []
    for item in items:
        ok, lexical, semantic, _ = verifier.support(item["sentence"], passages[item["chunk_id"]])
        out.append((item["supported"], ok, lexical, semantic))
    return out


def scores(pairs: list[tuple[bool, bool]]) -> dict:
    tp = sum(1 for label, v in pairs if label and v)
    fp = sum(1 for label, v in pairs if not label and v)
    fn = sum(1 for label, v in pairs if label and not v)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    beta2 = 0.25  # F0.5: passing an unsupported sentence costs more than dropping a supported one
    f = (1 + beta2) * precision * recall / (beta2 * precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f0.5": round(f, 3),
            "accuracy": round(sum(1 for label, v in pairs if label == v) / max(len(pairs), 1), 3)}


def sweep(verifier: verify.Verifier, items: list[dict], passages: dict[str, Passage]) -> list[dict]:
    """Every threshold combination on a grid, best F0.5 first."""
    saved = verify.LEXICAL_STRONG, verify.LEXICAL_WEAK, verify.SEMANTIC_MIN
    results = []
    try:
        for strong, weak, sem in itertools.product((0.7, 0.8, 0.9), (0.3, 0.4, 0.5), (0.5, 0.6, 0.7)):
            verify.LEXICAL_STRONG, verify.LEXICAL_WEAK, verify.SEMANTIC_MIN = strong, weak, sem
            judged = judge(verifier, items, passages)
            results.append({"lexical_strong": strong, "lexical_weak": weak, "semantic_min": sem,
                            **scores([(label, v) for label, v, _, _ in judged])})
    finally:
        verify.LEXICAL_STRONG, verify.LEXICAL_WEAK, verify.SEMANTIC_MIN = saved
    return sorted(results, key=lambda r: (-r["f0.5"], -r["precision"]))
