"""Retrieval with the real packaged model on the seed corpus."""

import pytest

from mentor.documents import split_front_matter
from mentor.retrieval_eval import evaluate_naive, evaluate_ours, load_set
from mentor.settings import PROJECT_ROOT

pytestmark = pytest.mark.model


def test_alias_expansion_finds_director_passages(seed_mentor):
    q = seed_mentor.retriever.expand("What does a GPM do?")
    assert "Director/Group Product Manager" in q.expanded
    top = seed_mentor.search("What does a GPM do?", k=3)
    assert all("Director/Group Product Manager" in p.section for p in top[:2])


def test_scores_of_each_retriever_are_reported(seed_mentor):
    top = seed_mentor.search("How many direct reports does a Lead PM have?", k=3)
    assert top[0].section == "Lead Product Manager › Duties and Responsibilities"
    assert set(top[0].scores) >= {"dense", "bm25", "rrf", "boost"}
    assert top[0].scores["dense"] > 0 and top[0].scores["bm25"] > 0
    assert [p.rank for p in top] == [1, 2, 3]


def test_level_boost_prefers_the_users_level(seed_mentor):
    plain = seed_mentor.search("What should I work on to grow?", k=6)
    boosted = seed_mentor.search("What should I work on to grow?", k=6, level="Principal PM")
    rank = lambda ps: next((p.rank for p in ps if "principal-pm" in p.levels), 99)  # noqa: E731
    assert rank(boosted) <= rank(plain)


def test_retrieval_quality_floor_and_naive_baseline(seed_mentor):
    items = load_set()
    assert len(items) >= 40
    ours = evaluate_ours(seed_mentor, items)
    markdown = split_front_matter((PROJECT_ROOT / "corpus" / "pm-career-path.md").read_text())[0]
    naive = evaluate_naive(seed_mentor.embedder, markdown, items)
    print(f"\nretrieval: ours {ours.as_json()}\nretrieval: naive {naive.as_json()}")
    assert ours.hit_at_3 >= 0.95, ours.misses
    assert ours.mrr >= 0.85
    assert ours.hit_at_3 > naive.hit_at_3
