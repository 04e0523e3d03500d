"""The abstention thresholds are the ones that fit the dev split best; the test split only reports them."""

import pytest

from mentor import abstain, evaluate


def test_fit_finds_a_planted_boundary():
    rows = [({"intent": "general", "ladder": False, "meaning": m, "drop": 0.0, "number_meaning": 0.0}, m < 0.4)
            for m in (0.1, 0.2, 0.3, 0.35, 0.45, 0.5, 0.7, 0.9)]
    thresholds, f1 = abstain.fit(rows)
    assert f1 == 1.0 and 0.35 < thresholds.meaning_min <= 0.45


def test_filler_and_figures_follow_their_rules():
    t = abstain.Thresholds()
    base = {"intent": "general", "ladder": False, "meaning": 0.6, "drop": 0.0, "number_meaning": 0.0}
    assert abstain.decide(base, t)[0]
    assert not abstain.decide({**base, "drop": t.drop_max + 0.01}, t)[0]
    assert not abstain.decide({**base, "intent": "figure"}, t)[0]
    assert abstain.decide({**base, "intent": "figure", "number_meaning": t.number_meaning_min}, t)[0]
    assert abstain.decide({**base, "ladder": True, "meaning": 0.0}, t)[0]


@pytest.mark.model
def test_committed_thresholds_are_the_dev_fit(seed_index):
    thresholds, f1 = evaluate.fit_abstention(evaluate.load_eval_set(split="dev"), seed_index)
    print(f"\nfitted on dev: {thresholds} (F1 {f1:.3f})")
    assert thresholds == abstain.THRESHOLDS
