"""The citation check's thresholds, held to the labelled support set."""

import pytest

from mentor import support_eval, verify
from mentor.retrieve import Passage
from mentor.verify import Verifier

pytestmark = pytest.mark.model


@pytest.fixture
def labelled(seed_mentor):
    items = support_eval.load()
    got = seed_mentor.store.get(list({i["chunk_id"] for i in items}))
    passages = {i: Passage(i, t, m["source"], m["section"], m) for i, (t, m) in got.items()}
    assert set(passages) == {i["chunk_id"] for i in items}
    return Verifier(seed_mentor.embedder), items, passages


def test_current_thresholds_separate_the_set(labelled):
    verifier, items, passages = labelled
    judged = support_eval.judge(verifier, items, passages)
    s = support_eval.scores([(label, v) for label, v, _, _ in judged])
    print("\nsupport set:", s)
    assert s["precision"] >= 0.95 and s["recall"] >= 0.9
    for kind in ("wrong-number", "negation", "wrong-passage"):
        assert all(not v for (label, v, _, _), item in zip(judged, items) if item["kind"] == kind)


def test_current_thresholds_are_the_best_on_the_grid(labelled):
    verifier, items, passages = labelled
    best = support_eval.sweep(verifier, items, passages)[0]
    current = support_eval.scores([(label, v) for label, v, _, _ in support_eval.judge(verifier, items, passages)])
    assert current["f0.5"] == best["f0.5"], (best, (verify.LEXICAL_STRONG, verify.LEXICAL_WEAK, verify.SEMANTIC_MIN))


def test_scores_on_known_cases():
    assert support_eval.scores([(True, True), (False, True), (True, False), (False, False)]) == {
        "precision": 0.5, "recall": 0.5, "f0.5": 0.5, "accuracy": 0.5}
