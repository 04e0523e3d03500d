"""Reading questions phrased as people type them: misspelt titles, casual filler, follow-ups that point back.

The phrasings here were written for these tests, not taken from the intent examples or the eval set.
"""

import pytest

from mentor.framework import load_framework
from mentor.settings import PROJECT_ROOT
from mentor.understand import Memory, Speller, resolve_references

FW = load_framework(PROJECT_ROOT / "corpus" / "career-framework.yaml")
ENGLISH = frozenset({"same", "kind", "earn", "team", "principle", "become", "what", "the", "manager"})


@pytest.fixture
def speller():
    return Speller(FW, {"director", "responsibility", "strategy", "salary"}, ENGLISH)


@pytest.mark.parametrize("typed, level_id", [
    ("whats the jump to principle pm like", "principal-pm"),
    ("how do i become a prinicpal pm", "principal-pm"),
    ("seinor product managr duties?", "senior-pm"),
    ("snr pm here, what now", "senior-pm"),
    ("how do dirctors spend their week", "director"),
    ("is an asociate pm a real job", "apm"),
    ("grp pm vs head of prodcut", "director"),
])
def test_misspelt_and_abbreviated_levels_are_found(speller, typed, level_id):
    fixed, _ = speller.fix(typed)
    assert level_id in {m.level.id for m in FW.find_levels(fixed)}


def test_real_words_are_never_fixed_into_other_words(speller):
    fixed, corrections = speller.fix("what kind of team would I earn the same as")
    assert fixed == "what kind of team would I earn the same as" and corrections == []


def _memory(*ids, goal=None):
    return Memory(last_levels=[FW.by_id[i] for i in ids], last_goal=FW.by_id[goal] if goal else None)


@pytest.mark.parametrize("follow_up, memory, expected", [
    ("what does the manager one actually do", _memory("principal-pm", "lead-pm"), "Lead Product Manager"),
    ("and the ic one?", _memory("principal-pm", "lead-pm"), "Principal Product Manager"),
    ("what about the other track", _memory(goal="principal-pm"), "Lead Product Manager"),
    ("how many people report to them", _memory(goal="lead-pm"), "Lead Product Manager"),
    ("is that role on the manager side", _memory(goal="director"), "Director/Group Product Manager"),
    ("what's the one above that", _memory(goal="director"), "the level above Director/Group Product Manager"),
])
def test_follow_ups_resolve_to_the_level_they_point_at(follow_up, memory, expected):
    assert expected in resolve_references(follow_up, memory, FW)


def test_nothing_to_point_at_leaves_the_text_alone():
    assert resolve_references("what do they do", Memory(), FW) == "what do they do"


@pytest.mark.model
@pytest.mark.parametrize("question, intent", [
    ("yo whats the gap between an apm and a regular pm", "compare"),
    ("what would my week look like as a gpm", "duties"),
    ("any idea what director level folks get paid", "figure"),
    ("hey there!", "greeting"),
    ("so how would i climb from pm up to senior", "path"),
    ("im a principal pm btw", "statement"),
    ("who do heads of product usually advise", "factual"),
])
def test_intent_of_unseen_phrasings(seed_mentor, question, intent):
    assert seed_mentor.reader.read(question).intent == intent
