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


@pytest.mark.parametrize("text, expected", [
    ("_Maintained by the Product team. Applies to all PMs. Last updated: May 2025._",
     ["Maintained by the Product team.", "Applies to all PMs.", "Last updated: May 2025."]),
    ("**Scope:** one squad. See track_switching for more.", ["**Scope:** one squad.", "See track_switching for more."]),
    ("Read _all of it_. Then **bold** here.", ["Read _all of it_.", "Then **bold** here."]),
])
def test_a_sentence_cut_from_emphasis_keeps_no_stray_mark(text, expected):
    from mentor.text import sentences_of
    assert sentences_of(text) == expected


@pytest.mark.parametrize("question, parts", [
    ("can i nominate myself? and how often does the panel meet?", 2),
    ("who do they report to, and what do they own", 2),
    ("is L5 to M5 a promotion or nah", 1),
    ("if i switch to group pm, is that a promotion?", 1),
    ("im a senior pm at a bank, what should i learn next?", 1),
    ("I'm a PM and a team is opening up. Can I lead it, and would my pay change?", 2),
    ("when i move to group pm, what changes, and who decides?", 2),
    ("what does a GPM do lol", 1),
])
def test_the_questions_one_message_asks(question, parts):
    from mentor.text import question_parts
    assert len(question_parts(question)) == parts


@pytest.mark.parametrize("line, housekeeping", [
    ("Last reviewed: June 2024 by the People team.", True),
    ("_Version 2.1 · Owned by Product Ops_", True),
    ("Owner: Product Operations", True),
    ("Read the grid column by column.", True),
    ("DATE:     4 March 2025", True),
    ("CC:  Heads of Department", True),
    ("The PM owns the roadmap and reads the market.", False),
    ("Promotions happen in March and September.", False),
])
def test_a_pages_housekeeping_is_known_as_such(line, housekeeping):
    from mentor.sentences import HOUSEKEEPING
    assert bool(HOUSEKEEPING.search(line)) is housekeeping
