import pytest

from mentor.documents import chunk_source, read_source
from mentor.framework import load_framework
from mentor.settings import PROJECT_ROOT

ARTICLE = PROJECT_ROOT / "corpus" / "pm-career-path.md"


def chunks():
    fw = load_framework(PROJECT_ROOT / "corpus" / "career-framework.yaml")
    return chunk_source(read_source(ARTICLE), fw)


def test_duties_stay_with_their_level():
    lead = [c for c in chunks() if "five direct reports" in c.page_content]
    assert len(lead) == 1
    meta = lead[0].metadata
    assert meta["section"] == "Lead Product Manager › Duties and Responsibilities"
    assert meta["levels"] == "|lead-pm|"
    assert meta["source"] == "corpus/pm-career-path.md"


def test_transition_chunks_know_both_levels():
    step = next(c for c in chunks() if c.metadata["section"].endswith("Lead Product Manager → Director/ Group Product Manager"))
    assert step.metadata["levels"] == "|lead-pm|director|"
    assert step.metadata["to_level"] == "director"


def test_no_chunk_is_a_bare_heading_and_ids_are_unique():
    cs = chunks()
    ids = [c.id for c in cs]
    assert len(ids) == len(set(ids))
    for c in cs:
        assert not c.page_content.lstrip().startswith("#")
        assert len(c.page_content.split()) >= 5


def test_ids_are_stable_across_runs():
    assert [c.id for c in chunks()] == [c.id for c in chunks()]
    assert "pm-career-path#lead-product-manager/duties-and-responsibilities:0" in {c.id for c in chunks()}


@pytest.mark.parametrize("line, expected", [
    ("Listed as Snr. PM in payroll. Nothing more.", ["Listed as Snr. PM in payroll.", "Nothing more."]),
    ("Tools vary, e.g. Linear or Jira. Pick one.", ["Tools vary, e.g. Linear or Jira.", "Pick one."]),
    ("Reports to the Dir. Platform. Usually.", ["Reports to the Dir. Platform.", "Usually."]),
    ("Team of approx. 6 PMs. Growing.", ["Team of approx. 6 PMs.", "Growing."]),
])
def test_an_abbreviations_full_stop_ends_no_sentence(line, expected):
    from mentor.text import split_sentences

    assert split_sentences(line) == expected
