"""Nothing is tied to the seed: a small engineering ladder of the test's own."""

import re
import shutil

import pytest

from mentor.core import Mentor
from tests.conftest import build_index

pytestmark = pytest.mark.model

LADDER = """
name: Engineering ladder
tracks: {ic: individual contributor, mgmt: management}
levels:
  - {id: eng, name: Software Engineer, track: ic, rank: 1, section: Software Engineer, aliases: [SWE, Engineer]}
  - {id: staff, name: Staff Engineer, track: ic, rank: 2, section: Staff Engineer, aliases: [Staff Eng, Staff SWE]}
  - {id: em, name: Engineering Manager, track: mgmt, rank: 2, section: Engineering Manager, aliases: [EM, Eng Manager]}
  - {id: vp, name: VP of Engineering, track: mgmt, rank: 3, section: VP of Engineering, aliases: [VPE, VP Eng]}
transitions:
  - {from: eng, to: staff, section: Engineer to Staff}
  - {from: eng, to: em, section: Engineer to Manager}
  - {from: em, to: vp, section: Manager to VP}
confusions:
  - {id: staff-vs-em, terms: [staff, em], section: Staff Engineer}
"""

DOC = """# Engineering career guide

## Software Engineer

Software Engineers build and ship features with help from their team.

## Staff Engineer

Staff Engineers set technical direction across several teams without managing people. They are often confused with Engineering Managers, but the roles differ.

## Engineering Manager

Engineering Managers run a team of up to eight engineers and own hiring and delivery.

## VP of Engineering

The VP of Engineering leads the whole engineering organization and reports to the CTO.

## Growing

### Engineer to Staff

To reach Staff, an engineer must lead cross-team technical designs and mentor other engineers.

### Engineer to Manager

To become a manager, an engineer should first lead projects and show care for people's growth.

### Manager to VP

To become a VP, a manager must build managers of managers and own the engineering budget.
"""


@pytest.fixture
def eng_mentor(tmp_path, seed_index):
    """The real packaged model (understanding and selection run on meaning); its export is reused."""
    corpus = tmp_path / "eng"
    corpus.mkdir()
    (corpus / "career-framework.yaml").write_text(LADDER)
    (corpus / "guide.md").write_text(DOC)
    shutil.copytree(seed_index.index_dir / "onnx", tmp_path / "idx" / "onnx")
    settings = build_index(tmp_path / "idx", corpus, embedder="auto", framework=corpus / "career-framework.yaml")
    return Mentor(settings)


def test_path_on_another_ladder(eng_mentor):
    a = eng_mentor.ask("How do I become a VPE?", level="SWE")
    assert "Software Engineer → Engineering Manager → VP of Engineering" in a.answer
    assert "managers of managers" in a.answer and "lead projects" in a.answer
    sections = {c.section for c in a.citations}
    assert "Growing › Manager to VP" in sections and "Growing › Engineer to Manager" in sections
    assert {int(n) for n in re.findall(r"\[(\d+)\]", a.answer)} == {c.n for c in a.citations}
    assert "Staff Engineer" in a.answer  # the other track


def test_compare_and_facts_on_another_ladder(eng_mentor):
    a = eng_mentor.ask("Staff Eng vs EM: what's the difference?")
    assert "without managing people" in a.answer
    assert not a.abstained
    b = eng_mentor.ask("How many engineers does an EM manage?")
    assert "up to eight engineers" in b.answer
    c = eng_mentor.ask("What is the salary of a Staff Engineer?")
    assert c.abstained


def test_which_role_answers_with_the_role_and_a_follow_up_means_it(eng_mentor):
    a = eng_mentor.ask("which senior role sets technical direction across several teams?", session="which-role")
    assert a.answer.startswith("**Staff Engineer**"), a.answer
    assert "Engineering Managers run" not in a.answer  # another level's sentence would read as the chosen one's
    b = eng_mentor.ask("do they manage people?", session="which-role")
    assert "without managing people" in b.answer, b.answer


def test_they_set_against_a_named_level_are_the_level_talked_about(eng_mentor):
    eng_mentor.ask("what does a VP of Engineering do?", session="set-against")
    a = eng_mentor.ask("how is their work different from an EM's?", session="set-against")
    assert set(a.trace["understanding"]["mentioned"]) == {"VP of Engineering", "Engineering Manager"}, a.trace
    b = eng_mentor.ask("and who do they report to?", session="set-against")
    assert "reports to the CTO" in b.answer, b.answer


def test_what_it_would_be_like_then_is_at_the_step_just_named(eng_mentor):
    eng_mentor.ask("I'm an EM", session="then")
    eng_mentor.ask("what's the next level above me?", session="then")
    a = eng_mentor.ask("what would my job be then?", session="then")
    assert "leads the whole engineering organization" in a.answer, a.answer
    assert a.level == "Engineering Manager"  # a level wondered about is not the level held


def test_which_of_two_is_more_senior_names_it_first(eng_mentor):
    a = eng_mentor.ask("which is more senior: a Staff Engineer or a Software Engineer?")
    assert a.answer.startswith("**Staff Engineer.**"), a.answer
    b = eng_mentor.ask("which one is lower, VP of Engineering or EM?")
    assert b.answer.startswith("**Engineering Manager.**"), b.answer


def test_hired_into_that_is_the_level_talked_about_and_asks_how_it_is_filled(eng_mentor):
    eng_mentor.ask("what does a VP of Engineering do?", session="hired")
    a = eng_mentor.ask("and how do people usually get hired into that?", session="hired")
    u = a.trace["understanding"]
    assert u["mentioned"] == ["VP of Engineering"] and u["intent"] == "factual", u
    eng_mentor.ask("I'm a Staff Engineer", session="own")
    b = eng_mentor.ask("how do i get promoted to that?", session="own")
    assert "Staff Engineer" not in b.trace["understanding"]["mentioned"]  # their own level is no destination
