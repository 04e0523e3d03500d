"""A ladder kept as data (YAML or JSON): drafted, ingested, and asked with the real model."""

import re

import pytest

from mentor.core import Mentor
from mentor.documents import read_source
from mentor.ladders import draft_ladder
from tests.conftest import company_mentor

BLUEFIN = """title: Bluefin product ladder
grades:
  - name: P1
    title: Product Manager
    summary: Looks after one workflow of the app and learns the discovery practice from a coach.
    craft:
      research: Joins customer interviews run by others.
      hiring: Takes part in interview panels as a shadow.
  - name: P2
    title: Senior Product Manager
    summary: Looks after a product surface on their own and plans its quarter with engineering.
    craft:
      research: Plans and runs customer interviews for their surface.
      hiring: Runs the product-sense interview for new PM candidates.
  - name: P3
    title: Principal Product Manager
    summary: Shapes the strategy of several surfaces and is the expert other PMs consult.
    craft:
      research: Sets the research agenda for the whole product group.
      hiring: Designs the PM hiring loop and trains interviewers.
"""


@pytest.fixture(scope="module")
def bluefin(seed_index, tmp_path_factory) -> Mentor:
    return company_mentor(seed_index, tmp_path_factory.mktemp("bluefin"), "bluefin.yaml", BLUEFIN, "bluefin")


@pytest.mark.model
def test_a_yaml_ladder_is_drafted_with_its_grades(bluefin):
    names = [lvl.name for lvl in bluefin.framework.levels]
    assert len(names) == 3
    assert any("Principal" in n for n in names) and any("Senior" in n for n in names)


@pytest.mark.model
def test_which_level_opens_with_the_level_that_says_it(bluefin):
    answer = bluefin.ask("At Bluefin, at which level do PMs design the hiring loop?")
    assert not answer.abstained
    first = answer.answer.split("\n\n")[0]
    assert first.startswith("**") and "Principal" in first.split("**")[1], answer.answer
    assert "hiring loop" in first
    assert answer.citations[0].source.endswith("bluefin.yaml")


@pytest.mark.model
def test_a_grade_diff_from_the_data_cites_both_sides(bluefin):
    answer = bluefin.ask("what changes from P1 to P2 in our ladder?")
    assert "Plans and runs customer interviews" in answer.answer
    assert "Joins customer interviews" in answer.answer
    assert all(c.source.endswith(("bluefin.yaml", "career-framework.yaml")) for c in answer.citations)


@pytest.mark.model
def test_pay_at_the_company_is_not_made_up(bluefin):
    answer = bluefin.ask("what's the bonus for a P2 at Bluefin?")
    assert answer.abstained, answer.answer


def test_a_json_ladder_reads_as_structured_content(tmp_path):
    path = tmp_path / "ladder.json"
    path.write_text('{"title": "Kestrel levels", "levels": [{"title": "Product Manager I", "summary": "Ships small '
                    'features."}, {"title": "Product Manager II", "summary": "Owns an area."}]}')
    doc = read_source(path)
    assert doc.title == "Kestrel levels"
    assert [lvl["name"] for lvl in draft_ladder(path)["levels"]] == ["Product Manager I", "Product Manager II"]


def test_broken_json_is_one_sentence(tmp_path):
    from mentor.documents import UnreadableFile

    path = tmp_path / "ladder.json"
    path.write_text('{"levels": [')
    with pytest.raises(UnreadableFile, match="is not valid JSON"):
        read_source(path)


def test_malformed_front_matter_still_names_the_document(tmp_path):
    path = tmp_path / "job.md"
    path.write_text("---\ntitle: Platform PM role\n# a comment\nbad: 'x' (y)\n---\n\n## Duties\n\nShip things.\n")
    doc = read_source(path)
    assert doc.title == "Platform PM role"
    assert any("front matter" in p for p in doc.problems)


ACME = {"title": "Acme product career ladder", "levels": [
    {"title": "Product Manager 1", "summary": "Owns a single feature area with guidance from a senior PM."},
    {"title": "Product Manager 2", "summary": "Owns a product area and its quarterly roadmap."},
    {"title": "Senior Product Manager",
     "summary": "Owns a product line and sets its strategy; reports to the Group Product Manager."},
    {"title": "Group Product Manager", "summary": "Manages a team of product managers and owns the group's budget."},
]}


@pytest.mark.model
def test_company_first_and_each_source_labelled(seed_index, tmp_path):
    import json

    mentor = company_mentor(seed_index, tmp_path, "acme.json", json.dumps(ACME), "acme", chosen=False)
    reports = mentor.ask("At Acme, who does a senior PM report to?")
    assert reports.citations[0].source.endswith("acme.json"), reports.answer
    assert "reports to the Group Product Manager" in reports.answer.split("\n")[0], reports.answer
    assert "summary:" not in reports.answer  # a data field's name is for search, not for reading
    answer = mentor.ask("what's the job of a senior product manager at acme?")  # Acme's ladder is not the chosen one
    sources = [c.source for c in answer.citations]
    assert sources[0].endswith("acme.json") and any(s.endswith("pm-career-path.md") for s in sources), sources
    labels = re.findall(r"^\*\*(.+)\*\*$", answer.answer, re.MULTILINE)
    assert [label.endswith("(acme.json)") for label in labels] == [True, False], answer.answer
    assert answer.answer.index("reports to the Group Product Manager") < answer.answer.index(labels[1])
