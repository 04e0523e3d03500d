"""Questions that name a company, on a bullet-list ladder of numbered IC levels, with the real model."""

from pathlib import Path

import pytest

from mentor.core import Mentor
from tests.conftest import company_mentor

MINI_LADDERS = Path(__file__).parent / "fixtures" / "mini-ladders"

pytestmark = pytest.mark.model

HERON = """# Heron product levels

## IC3 · Product Manager

- Runs discovery and delivery for one team
- Presents the team's results at the monthly review
- Reports to a Senior Product Manager or a Group Product Manager

## IC4 · Senior Product Manager

- Owns the roadmap of a product area
- Coaches IC3 product managers on discovery
- Reports to a Group Product Manager

## IC5 · Staff Product Manager

- Writes the strategy for several product areas
- Leads the quarterly business review with finance
- Reports to the VP of Product
"""


@pytest.fixture(scope="module")
def heron(seed_index, tmp_path_factory) -> Mentor:
    return company_mentor(seed_index, tmp_path_factory.mktemp("heron"), "heron-levels.md", HERON, "heron")


def test_who_a_level_reports_to_comes_first(heron):
    answer = heron.ask("At Heron, who does a Staff PM report to?")
    assert answer.answer.startswith("Reports to the VP of Product"), answer.answer
    assert answer.citations[0].source.endswith("heron-levels.md")


def test_the_level_that_does_it_with_the_sentence_that_says_so(heron):
    answer = heron.ask("in heron's framework, from which level do you own a roadmap?")
    assert answer.answer.startswith("**Senior Product Manager**: Owns the roadmap of a product area"), answer.answer


def test_a_numbered_step_shows_what_the_higher_level_adds(heron):
    answer = heron.ask("what changes from IC4 to IC5?")
    assert "Writes the strategy for several product areas" in answer.answer
    assert all(c.source.endswith(("heron-levels.md", "career-framework.yaml")) for c in answer.citations)


PLOVER = """# Plover PM levels

| Level | Title | Scope | People | Reports to |
|---|---|---|---|---|
| G1 | Associate PM | One feature<br>Bug triage | Learns from the team | Product Lead |
| G2 | Product Manager | One product area<br>Runs planning | Buddies new hires | Product Lead |
| G3 | Senior Product Manager | Several areas<br>Sets half-year goals | Coaches G1 and G2 PMs | Director of Product |
"""


@pytest.fixture(scope="module")
def plover(seed_index, tmp_path_factory) -> Mentor:
    return company_mentor(seed_index, tmp_path_factory.mktemp("plover"), "plover.md", PLOVER, "plover")


def test_which_level_answers_from_the_users_own_ladder(plover):
    answer = plover.ask("in our ladder, from what level do you coach other pms?")
    assert answer.answer.startswith("**Senior Product Manager**"), answer.answer
    assert answer.citations[0].source.endswith("plover.md")


def test_a_rows_title_cell_is_not_offered_as_advice(plover):
    answer = plover.ask("who does a G3 report to at plover?")
    assert "Director of Product" in answer.answer.split("[1]")[0], answer.answer
    assert "Title: Senior Product Manager" not in answer.answer and "Senior Product Manager [" not in answer.answer


def test_a_level_the_named_ladder_does_not_have_is_said_plainly(heron):
    answer = heron.ask("whats a head of product responsible for at heron?")
    assert answer.abstained
    assert answer.answer.startswith("_Heron product levels has no head of product level; its levels are"), answer.answer
    assert "Staff Product Manager" in answer.answer.split("\n")[0]
    # Its own levels, and the role the whole ladder is about, are answered as before.
    assert not heron.ask("in heron's ladder what does a staff product manager do").abstained
    assert not heron.ask("what do product managers do at heron").abstained


# Levels under track headings, codes beside titles, competencies as bold bullets with nested items.
OSPREY = """# Osprey product career levels

## Individual contributor levels

### E2 – Product Manager

Reports to: a Group Product Manager.

Owns the delivery of one team's product surface.

- **Discovery**
  - Interviews two customers every sprint.
- **Hiring**
  - Sits on interview panels as a shadow.

### E3 – Senior Product Manager

Reports to: a Group Product Manager.

Owns the plan for a whole product surface and its metrics.

- **Discovery**
  - Chooses the research questions for the surface.
- **Hiring**
  - Leads the product sense interview for PM candidates.

## People manager levels

### M4 – Group Product Manager

Manages four to eight product managers.

- **Hiring**
  - Approves every offer made to a PM in the group.
- **Discovery**
  - Funds the research budget of the group.
"""


@pytest.fixture(scope="module")
def osprey_general(seed_index, tmp_path_factory) -> Mentor:
    """Osprey's ladder saved but not chosen: questions that name Osprey are read on it all the same."""
    return company_mentor(seed_index, tmp_path_factory.mktemp("osprey"), "osprey-levels.md", OSPREY, "osprey",
                          chosen=False)


def test_a_question_naming_a_company_is_read_on_its_ladder(osprey_general):
    answer = osprey_general.ask("at osprey, what does an E3 do?")
    assert not answer.abstained
    assert answer.level is None and "Owns the plan for a whole product surface" in answer.answer, answer.answer
    assert answer.citations[0].source.endswith("osprey-levels.md")
    # The general article's word on the same title follows, labelled: the company's comes first.
    assert answer.answer.startswith("**Osprey product career levels (osprey-levels.md)**"), answer.answer
    # The general ladder still answers a question that names no company.
    assert "Director" in osprey_general.ask("what comes after a lead pm?").answer


def test_the_competency_a_question_names_is_what_it_gets(osprey_general):
    answer = osprey_general.ask("what are the hiring expectations of an osprey E3?")
    assert answer.answer.startswith("Leads the product sense interview"), answer.answer


def test_a_track_heading_above_levels_is_no_competency(osprey_general):
    answer = osprey_general.ask("in osprey's ladder what changes from E2 to E3?")
    rows = [line.split("|")[1].strip() for line in answer.answer.splitlines() if line.startswith("| ")]
    assert {"Discovery", "Hiring"} <= set(rows), answer.answer
    assert "Individual contributor levels" not in rows


def test_a_numbered_level_the_ladder_lacks_is_said_plainly(osprey_general):
    answer = osprey_general.ask("what does an E5 do at osprey?")
    assert answer.abstained
    assert "has no E5 level" in answer.answer.split("\n")[0], answer.answer


def test_what_the_ladder_never_says_of_a_level_is_not_guessed(osprey_general):
    answer = osprey_general.ask("at osprey who does a group pm report to?")
    assert answer.abstained, answer.answer
    assert "does not say this for Group Product Manager" in answer.answer
    assert not osprey_general.ask("at osprey who does an E2 report to?").abstained


# Competencies as rows, levels as columns, four levels on one track.
WREN = """# Wren PM framework

| Competency | T1 · Associate PM | T2 · Product Manager | T3 · Senior PM | T4 · Staff PM |
|---|---|---|---|---|
| Hiring | Joins interview debriefs as an observer. | Runs the craft interview. Writes clear feedback. | Designs the interview loop for the team. Calibrates other interviewers. | Sets the hiring bar across product. Approves senior offers. |
| Roadmapping | Keeps the team's board current. | Owns a quarterly roadmap. | Owns a half-year roadmap for an area. | Shapes the yearly roadmap of several areas. |
| Coaching | Asks for feedback every sprint. | Onboards new teammates. | Mentors one or two PMs. | Grows senior PMs into staff. |
"""


@pytest.fixture(scope="module")
def wren(seed_index, tmp_path_factory) -> Mentor:
    return company_mentor(seed_index, tmp_path_factory.mktemp("wren"), "wren-framework.md", WREN, "wren")


def test_a_competency_named_between_two_levels_is_that_row_alone(wren):
    answer = wren.ask("what changes in hiring from T2 to T3?")
    rows = [line.split("|")[1].strip() for line in answer.answer.splitlines() if line.startswith("| ")]
    assert [r for r in rows if r and not r.startswith("-")] == ["Hiring"], answer.answer
    assert "Calibrates other interviewers" in answer.answer  # more than the first sentence of each side


def test_a_competency_named_over_several_steps_grows_level_by_level(wren):
    answer = wren.ask("how does coaching develop from an associate pm up to a staff pm at wren")
    cells = [line for line in answer.answer.splitlines() if line.startswith("| ") and "[" in line]
    assert len(cells) == 4, answer.answer
    assert "Asks for feedback every sprint" in cells[0] and "Grows senior PMs into staff" in cells[-1]


TERN = """# Tern product management

## Levels

Many PMs switch over to Tern from design, data or support.

### PM1 · Product Manager

- Runs discovery for one squad
- Has no direct reports

### PM2 · Senior Product Manager

- Owns a product area's roadmap

### M1 · Group Product Manager

- Manages three to five product managers

Senior PMs may switch to the manager track after a quarter as acting lead.

## Operating principles

Every squad writes down its bets before it builds.

**Principle one:** Outcomes over output, measured every quarter.

**Principle two:** Customers are interviewed every week by the whole squad.

**Principle three:** Decisions are written, with the options that lost.
"""


@pytest.fixture(scope="module")
def tern(seed_index, tmp_path_factory) -> Mentor:
    return company_mentor(seed_index, tmp_path_factory.mktemp("tern"), "tern.md", TERN, "tern")


def test_a_section_the_question_names_answers_it_with_its_items_first(tern):
    answer = tern.ask("what are Tern's operating principles?")
    assert answer.answer.startswith("**Principle one:**"), answer.answer
    assert "**Principle two:**" in answer.answer and "**Principle three:**" in answer.answer


def test_a_topic_only_some_rows_speak_of_keeps_the_comparison_to_those_rows(wren):
    # "feedback" is no competency's name; only the Hiring and Coaching rows speak of it.
    answer = wren.ask("T1 vs T2 at wren when it comes to feedback?")
    rows = [line.split("|")[1].strip() for line in answer.answer.splitlines() if line.startswith("| ")]
    assert [r for r in rows if r and not r.startswith("-")] == ["Hiring", "Coaching"], answer.answer


def test_a_route_onto_another_track_brings_the_ladders_own_rule_for_switching(tern):
    answer = tern.ask("how would a PM1 at Tern get to M1?")
    assert "Product Manager → Senior Product Manager → Group Product Manager" in answer.answer, answer.answer
    assert "switch to the manager track after a quarter as acting lead" in answer.answer


def test_a_question_about_switching_tracks_gets_the_rule_not_a_sentence_about_joining(tern):
    answer = tern.ask("could a PM2 at tern switch over to the manager side?")
    assert "switch to the manager track after a quarter as acting lead" in answer.answer, answer.answer
    assert "from design, data or support" not in answer.answer, answer.answer


def test_the_users_own_ladder_answers_without_another_documents_word_on_a_like_titled_level(tern):
    answer = tern.ask("so at tern does a PM1 actually have anyone reporting to them or nah")
    assert "no direct reports" in answer.answer.lower(), answer.answer
    assert all(c.source.endswith("tern.md") for c in answer.citations), answer.citations


def test_whom_a_level_reports_to_is_not_read_from_its_direct_reports(tern):
    answer = tern.ask("at tern who does a PM1 report to?")
    assert answer.abstained and "does not say this for Product Manager" in answer.answer, answer.answer


def test_an_executive_its_pages_mention_but_its_ladder_lacks_is_no_level_of_it(heron):
    answer = heron.ask("what does a vp of product do at heron?")  # "Reports to the VP of Product", never a level
    assert answer.abstained and "has no VP of Product level" in answer.answer, answer.answer


@pytest.fixture(scope="module")
def gannet(seed_index, tmp_path_factory) -> Mentor:
    sheet = (MINI_LADDERS / "gannet-levels.csv").read_text(encoding="utf-8")
    return company_mentor(seed_index, tmp_path_factory.mktemp("gannet"), "gannet-levels.csv", sheet, "gannet")


def test_a_spreadsheet_ladder_answers_from_its_rows(gannet):
    assert gannet.ask("who does a G2 report to at gannet?").answer.startswith("Reports to: Product Manager Lead")
    assert "Two to five PMs" in gannet.ask("how many people does a PM lead manage").answer
    duties = gannet.ask("what does a G3 do?").answer
    # every column of a short row, the level's expectations included, not just its first few
    assert "Sets the area's strategy" in duties and "Several related areas" in duties, duties


def test_a_spreadsheet_ladders_track_column_decides_the_top_of_each_track(gannet):
    answer = gannet.ask("whats the highest individual contributor level at gannet?").answer
    assert answer.startswith("The top of the individual contributor track is Senior Product Manager"), answer


SHEARWATER = """# Shearwater product levels

## L3 - Product Manager

- Scope: one customer journey.
- Ready for L4 when: they have run two quarters of roadmap for the journey without a senior partner.

## L4 - Senior Product Manager

- Scope: a family of journeys.
- Promotion to L5: sets a strategy two squads follow for a year.

## L5 - Principal Product Manager

- Scope: the whole booking platform.
"""


@pytest.fixture(scope="module")
def shearwater(seed_index, tmp_path_factory) -> Mentor:
    return company_mentor(seed_index, tmp_path_factory.mktemp("shearwater"), "shearwater-levels.md", SHEARWATER,
                          "shearwater")


def test_promotion_criteria_kept_with_the_lower_level_are_the_steps_advice(shearwater):
    answer = shearwater.ask("what does an L3 need to do to get to the next level?").answer
    assert answer.startswith("From Product Manager, the next step up is Senior Product Manager"), answer
    assert "two quarters of roadmap" in answer, answer
    route = shearwater.ask("how do I get from product manager to principal pm?").answer
    assert "two quarters of roadmap" in route and "two squads follow for a year" in route, route


GUILLEMOT = """# Guillemot product career levels

Guillemot has an individual contributor track and a people manager track.

## Individual contributor track

### IC2 - Product Manager

- Scope: one service.

### IC3 - Senior Product Manager

- Scope: a group of services.

### IC4 - Principal Product Manager

- Scope: the platform.

## People manager track

### M1 - Product Lead

- Scope: a team of three to five PMs.

### M2 - Head of Product

- Scope: every product team.

## Changing tracks

Manager to individual contributor: an M1 may return to IC3 and an M2 to IC4, keeping their pay band.
Individual contributor to manager: an IC3 needs an open Product Lead role and a month of shadowing first.
"""


@pytest.fixture(scope="module")
def guillemot(seed_index, tmp_path_factory) -> Mentor:
    return company_mentor(seed_index, tmp_path_factory.mktemp("guillemot"), "guillemot-levels.md", GUILLEMOT,
                          "guillemot")


def test_a_move_back_onto_the_other_track_is_answered_with_the_rule_for_it(guillemot):
    answer = guillemot.ask("I'm an M2 and thinking of switching back to individual contributor work, where would I land?")
    assert "move across, not a step up" in answer.answer.split("\n")[0], answer.answer
    assert "an M2 to IC4" in answer.answer and not answer.abstained, answer.answer


def test_a_company_named_by_its_acronym_is_no_unknown_topic(seed_index, tmp_path_factory):
    ladder = "# KPX product levels\n\n## P2 - Product Manager\n\n- Owns one checkout flow.\n\n" \
             "## P3 - Senior Product Manager\n\n- Owns the payments roadmap.\n"
    kpx = company_mentor(seed_index, tmp_path_factory.mktemp("kpx"), "kpx-levels.md", ladder, "kpx")
    answer = kpx.ask("what does a senior pm own at KPX?")
    assert not answer.abstained and "payments roadmap" in answer.answer, answer.answer


def test_whom_a_level_manages_is_not_read_from_whom_it_reports_to(gannet):
    answer = gannet.ask("would a G4 have any direct reports?").answer
    assert answer.startswith("People managed: Two to five PMs"), answer
    assert "Reports to" not in answer.split("\n")[0], answer


def test_a_level_the_ladder_lacks_is_said_even_when_its_file_name_has_underscores(seed_index, tmp_path_factory):
    ladder = "## P2 - Product Manager\n\n- Owns one booking flow.\n\n## P3 - Senior Product Manager\n\n- Owns the booking roadmap.\n"
    tern = company_mentor(seed_index, tmp_path_factory.mktemp("skua"), "skua_pm_levels.md", ladder, "skua")
    answer = tern.ask("what does a P7 do at skua?")
    assert answer.abstained and answer.answer.startswith("_Skua PM Levels"), answer.answer
    assert "has no P7 level" in answer.answer.split("\n")[0], answer.answer


FULMAR = """company: Fulmar Freight
tracks:
  - id: ic
    name: Individual Contributor
    levels: [F3, F4, F5-IC]
  - id: mgr
    name: People Manager
    levels: [F5-M, F6-M]
levels:
  - code: F3
    title: Product Manager
    scope: One shipment-tracking surface.
    span_of_control: 0
    promotion:
      min_months_in_level: 15
      evidence:
        - Ran the quarterly customer council for their surface
        - Cut a support queue by a measurable share
  - code: F4
    title: Senior Product Manager
    scope: The tracking product line.
    reports_to: Group Product Manager
    span_of_control: 0
    promotion:
      evidence:
        - Wrote a two-year bet adopted by the freight board
  - code: F5-IC
    title: Principal Product Manager
    scope: Every customer-facing product.
    span_of_control: 0
  - code: F5-M
    title: Group Product Manager
    scope: Three squads of the tracking line.
    reports_to: Director of Product
    span_of_control: 4
  - code: F6-M
    title: Director of Product
    scope: The whole product organisation.
    span_of_control: 9
track_changes:
  - An F5 may move between the Principal and Group roles without changing level.
  - Nobody skips a level. Every PM spends a full year in a level before the next.
"""


@pytest.fixture(scope="module")
def fulmar(seed_index, tmp_path_factory) -> Mentor:
    return company_mentor(seed_index, tmp_path_factory.mktemp("fulmar"), "fulmar-levels.yaml", FULMAR, "fulmar")


def test_criteria_kept_in_the_lower_levels_promotion_block_are_the_steps_advice(fulmar):
    answer = fulmar.ask("i'm an F3, what do i have to show to make F4?").answer
    assert "quarterly customer council" in answer and "support queue" in answer, answer


def test_a_code_two_roles_share_by_number_is_no_level_the_ladder_lacks(fulmar):
    answer = fulmar.ask("at F5 can I swap between the IC and manager roles?")
    assert "has no F5" not in answer.answer and not answer.abstained, answer.answer


def test_a_misspelt_title_after_from_is_no_organisation(fulmar):
    answer = fulmar.ask("how do i go from Senoir PM to Principle PM at fulmar?")
    assert "say nothing about" not in answer.answer and "two-year bet" in answer.answer, answer.answer


def test_the_other_tracks_counterpart_is_the_level_beside_it(fulmar):
    answer = fulmar.ask("what is the people-manager equivalent of a principal pm here?")
    assert answer.answer.startswith("Principal Product Manager and Group Product Manager are different roles at "
                                    "the same level"), answer.answer


def test_a_boss_asked_of_the_level_just_discussed_is_its_reporting_line(fulmar):
    session = "fulmar-boss"
    fulmar.ask("what does a group pm do at fulmar?", session=session)
    answer = fulmar.ask("ok and who's their boss?", session=session)
    assert not answer.abstained and "Director of Product" in answer.answer.split("\n")[0], answer.answer


def test_two_questions_about_one_level_get_both_its_fields(fulmar):
    answer = fulmar.ask("does a senior pm at fulmar manage anybody? and who do they report to?").answer
    assert "Span of control: 0" in answer and "Reports to: Group Product Manager" in answer, answer


def test_a_follow_up_turning_the_next_step_to_the_other_track(fulmar):
    session = "fulmar-side"
    fulmar.ask("i'm an F4 at fulmar", session=session)
    fulmar.ask("what comes next if i stay on the IC track?", session=session)
    answer = fulmar.ask("and on the manager side? how many people would be under me", session=session).answer
    first = answer.split("\n")[0]
    assert "Group Product Manager" in first and "Principal" not in first, answer
    assert "Span of control: 4" in answer, answer


def test_asked_to_skip_a_level_the_ladders_rule_comes_first(fulmar):
    answer = fulmar.ask("could an F3 leapfrog straight to Principal PM if they're strong?").answer
    assert "Nobody skips a level" in answer.split("\n\n")[1] and "full year" in answer, answer


BELUGA = """<html><body><h1>Beluga product levels</h1>
<h2>Levels</h2>
<details><summary><strong>B1 · Associate PM</strong></summary><p>Learns the craft on one pod.</p>
<p><strong>Ready for B2 when:</strong> runs a pod's backlog alone for a quarter.</p></details>
<details><summary><strong>B2 · Product Manager</strong></summary><p>Owns a pod's roadmap.</p>
<p><strong>Ready for B3 when:</strong> grows a pod metric two quarters running.</p></details>
<details><summary><strong>B3 · Senior PM</strong></summary><p>Owns an area of three pods.</p></details>
<h2>Competencies</h2>
<table><tr><th>Competency</th><th>B1</th><th>B2</th><th>B3</th></tr>
<tr><td>Discovery</td><td>Joins interviews</td><td>Runs interviews</td><td>Sets the research plan</td></tr>
<tr><td>Delivery</td><td>Writes tickets</td><td>Plans releases</td><td>Plans across pods</td></tr></table>
</body></html>
"""


@pytest.fixture(scope="module")
def beluga(seed_index, tmp_path_factory) -> Mentor:
    return company_mentor(seed_index, tmp_path_factory.mktemp("beluga"), "beluga-levels.html", BELUGA, "beluga")


def test_a_toggles_summary_names_its_level_and_the_steps_criteria_are_said_once(beluga):
    answer = beluga.ask("what do i need to go from B1 to B2?").answer
    assert answer.count("runs a pod's backlog alone for a quarter") == 1, answer
    assert "grows a pod metric" not in answer, answer  # the criteria of the step after this one


NARWHAL = """levels:
  - code: N1
    title: Navigator
    reports_to: a Pod Lead
    direct_reports: 0
    typical_tenure: 1-2 years
  - code: N2
    title: Senior Navigator
    reports_to: a Pod Lead
    direct_reports: 0
    typical_tenure: 2-3 years
  - code: N3
    title: Staff Navigator
    reports_to: a Fleet Head
    direct_reports: 0
  - code: K3
    title: Pod Lead
    track: people leadership
    reports_to: a Fleet Head
    direct_reports: 4-6 Navigators
  - code: K4
    title: Fleet Head
    track: people leadership
    direct_reports: 3 Pod Leads
promotion:
  next_level:
    N1_to_N2: Leads one discovery cycle from start to finish.
    N2_to_N3: Writes the pod's yearly bet and sees it funded.
"""


@pytest.fixture(scope="module")
def narwhal(seed_index, tmp_path_factory) -> Mentor:
    return company_mentor(seed_index, tmp_path_factory.mktemp("narwhal"), "narwhal-ladder.yaml", NARWHAL, "narwhal")


def test_a_data_levels_own_fields_answer_figures_asked_of_it(narwhal):
    assert "4-6 Navigators" in narwhal.ask("how many direct reports does a pod lead have?").answer
    assert "2-3 years" in narwhal.ask("how long do people usually stay at N2?").answer


def test_criteria_kept_apart_under_the_steps_own_label_are_its_advice(narwhal):
    answer = narwhal.ask("how do i get from N1 to N2").answer
    assert "Leads one discovery cycle" in answer and "yearly bet" not in answer, answer


def test_which_of_two_levels_ranks_higher_is_answered_yes_or_no(narwhal):
    assert narwhal.ask("is a Pod Lead more senior than a Senior Navigator?").answer.startswith("**Yes.**")
    assert narwhal.ask("is a senior navigator above a pod lead?").answer.startswith("**No.**")
    assert narwhal.ask("is N3 the same level as K3?").answer.startswith("**Same level, different track.**")


ORCA = """# Orca product ladder

## Maker track

### OR-2 — Product Manager

**Scope:** one pod. Reports to a Pod Lead.

### OR-3 — Senior Product Manager

**Scope:** two pods. Reports to a Pod Lead. (Thinking of managing? See *Changing tracks* below.)

### OR-4 — Staff Product Manager

**Scope:** a whole tide. Reports to a Tide Head.

## Leader track

### OL-4 — Pod Lead

**Scope:** three pods and their PMs. Manages 3-5 PMs.

### OL-5 — Tide Head

**Scope:** a tide. Manages the Pod Leads.

## Changing tracks

- OR-4 and OL-4 sit at one level: moving between them keeps your level and needs only your manager's sign-off.
- Coming back to the maker track within a year keeps your level too.
"""


@pytest.fixture(scope="module")
def orca(seed_index, tmp_path_factory) -> Mentor:
    return company_mentor(seed_index, tmp_path_factory.mktemp("orca"), "orca-ladder.md", ORCA, "orca")


def test_wishing_to_manage_at_the_managing_tracks_level_gets_the_rules_for_moving_across(orca):
    answer = orca.ask("I'm a Staff PM and I'd like to become a manager. What happens to my level?").answer
    assert "keeps your level and needs only your manager's sign-off" in answer, answer
    assert "See *Changing tracks*" not in answer, answer  # a pointer says nothing of its own


def test_a_counterpart_asked_of_no_level_is_the_last_levels(orca):
    session = "orca-counterpart"
    orca.ask("what does a staff pm do at orca?", session=session)
    answer = orca.ask("and the manager equivalent?", session=session).answer
    assert "Pod Lead" in answer.split("\n")[0], answer


def test_what_grade_a_level_is_names_its_code(orca):
    session = "orca-grade"
    orca.ask("what does a senior pm own at orca?", session=session)
    answer = orca.ask("what level is that?", session=session).answer
    assert answer.startswith("Senior Product Manager (OR-3"), answer


def test_a_companys_name_misspelt_is_still_its_name(narwhal):
    answer = narwhal.ask("who does a pod lead report to at Narwahl?")
    assert not answer.abstained and "Fleet Head" in answer.answer, answer.answer
    assert narwhal.ask("what does a pod lead do at Nightingale?").abstained  # another company, not a typo


def test_two_questions_in_one_get_a_sentence_each(orca):
    answer = orca.ask("what's the scope of a pod lead, and what happens if I come back to the maker track?").answer
    assert "three pods and their PMs" in answer and "within a year keeps your level" in answer, answer


GREBE = """Grebe Insurance - PM levels
Copied from a shared document.


GR1 - PRODUCT MANAGER
=====================

Reports to: a GM1 Group Product Manager.
Direct reports: none.
Typical time in level: about two years.

Expectations:
1. Owns the backlog of one squad.
2. Talks to policyholders every month.

To be promoted to GR2 you need:
  • a launch that moved a renewal metric
  • a discovery plan your squad followed for a quarter


GR2 - SENIOR PRODUCT MANAGER
============================

Reports to: a GM1 Group Product Manager.
Direct reports: none. Senior PMs coach GR1s informally.
Typical time in level: three years.

Expectations:
1. Sets the strategy of a product area.

To be promoted to GR3 you need:
  • a strategy adopted by the leadership team


GM1 - GROUP PRODUCT MANAGER
===========================

Reports to: the Head of Product.
Direct reports: 4 to 6 PMs.
"""


@pytest.fixture(scope="module")
def grebe(seed_index, tmp_path_factory) -> Mentor:
    return company_mentor(seed_index, tmp_path_factory.mktemp("grebe"), "grebe-levels.txt", GREBE, "grebe")


def test_underlined_headings_of_pasted_text_keep_each_levels_text_apart(grebe):
    answer = grebe.ask("what's the typical time in level for a GR1 at Grebe?")
    company = answer.answer.split("(pm-career-path.md)")[0]
    assert "Typical time in level: about two years" in company, answer.answer
    assert "three years" not in answer.answer


def test_whom_a_level_reports_to_is_not_whom_it_has(grebe):
    answer = grebe.ask("At Grebe, who does a Senior PM report to?")
    assert answer.answer.startswith("Reports to: a GM1 Group Product Manager"), answer.answer
    assert "Direct reports" not in answer.answer


def test_a_promotion_label_over_its_list_is_that_steps_advice(grebe):
    answer = grebe.ask("how do I get from GR1 to GR2 at Grebe?")
    step = answer.answer.split("**Product Manager → Senior Product Manager**")[-1]
    assert step.index("A launch that moved a renewal metric") < step.index("A discovery plan"), answer.answer
    assert "strategy adopted by the leadership team" not in answer.answer  # the step after, not this one


STOAT = """<html><head><title>Stoat product paths</title></head><body>
<h1>Stoat product paths</h1>
<h2>Makers</h2>
<section><h3>Associate PM <span>S1 · Tier A</span></h3><dl>
<dt>Also called</dt><dd>APM.</dd>
<dt>Scope</dt><dd>Small fixes inside one squad.</dd>
<dt>Signals you're ready for the next level</dt><dd>You shipped a fix that customers noticed.</dd>
</dl></section>
<section><h3>Tracker <span>S2 · Tier B</span></h3><dl>
<dt>Also called</dt><dd>Product Manager (in offer letters).</dd>
<dt>Scope</dt><dd>Owns the roadmap of one squad.</dd>
<dt>Reports to</dt><dd>A Group Product Manager.</dd>
<dt>What we expect</dt><dd><ul><li>Interviews farmers every fortnight.</li><li>Writes the squad's quarterly goals.</li></ul></dd>
<dt>Signals you're ready for the next level</dt><dd>Two quarters of goals met and a plan another squad adopted.</dd>
</dl></section>
<section><h3>Ranger <span>S3 · Tier C</span></h3><dl>
<dt>Also called</dt><dd>Senior Product Manager.</dd>
<dt>Scope</dt><dd>A cluster of three squads.</dd>
<dt>What we expect</dt><dd><ul><li>Writes the cluster strategy.</li></ul></dd>
<dt>Signals you're ready for the next level</dt><dd>A strategy the whole company follows.</dd>
</dl></section>
</body></html>
"""


@pytest.fixture(scope="module")
def stoat(seed_index, tmp_path_factory) -> Mentor:
    return company_mentor(seed_index, tmp_path_factory.mktemp("stoat"), "stoat-paths.html", STOAT, "stoat")


def test_what_a_level_of_an_invented_title_does_is_its_scope_and_expectations(stoat):
    answer = stoat.ask("what does a Tracker do at Stoat?").answer
    assert "Owns the roadmap of one squad" in answer and "Also called" not in answer, answer
    assert "Reports to" not in answer  # where it sits is not what it does


def test_a_step_takes_the_lower_levels_signals_not_the_higher_ones(stoat):
    answer = stoat.ask("how do I go from Tracker to Ranger at Stoat?").answer
    step = answer.split("**Tracker → Ranger**")[-1]
    assert "Two quarters of goals met" in step, answer
    assert "A strategy the whole company follows" not in answer


# reStructuredText, as Sphinx handbooks keep it: a list-table, run-in bold labels, codes with the company's
# prefix, a contents directive, and the two tracks paired in a sentence.
PIPIT = """==========================
Pipit Logistics PM ladder
==========================

.. contents:: Contents
   :local:

Levels
======

.. list-table:: Levels at a glance
   :header-rows: 1

   * - Code
     - Title
     - Track
   * - PP-L1
     - Product Manager
     - IC
   * - PP-L2
     - Senior Product Manager
     - IC
   * - PP-L3
     - Staff Product Manager
     - IC
   * - PP-M1
     - Product Lead
     - Manager
   * - PP-M2
     - Head of Product
     - Manager

PP-M1 is on par with PP-L2, and PP-L3 is a peer of PP-M2.

PP-L1 Product Manager
---------------------

**Scope.** One delivery crew and its backlog.

**Promotion to PP-L2.** Runs a quarter's roadmap without review and has mentored a new hire.

PP-L2 Senior Product Manager
----------------------------

**Scope.** Two or three crews sharing a warehouse system.

**Promotion to PP-L3.** Has set a strategy that three crews follow.

PP-L3 Staff Product Manager
---------------------------

**Scope.** A platform every crew builds on.

PP-M1 Product Lead
------------------

**Scope.** Leads four to six product managers.

PP-M2 Head of Product
---------------------

**Scope.** All of product, with a seat on the leadership team.
"""


@pytest.fixture(scope="module")
def pipit(seed_index, tmp_path_factory) -> Mentor:
    return company_mentor(seed_index, tmp_path_factory.mktemp("pipit"), "pipit-ladder.rst", PIPIT, "pipit")


def test_a_restructuredtext_ladders_promotion_label_is_the_steps_advice(pipit):
    answer = pipit.ask("how do i get from PP-L1 to PP-L2 at pipit?").answer
    assert "Runs a quarter's roadmap without review" in answer, answer
    assert "Has set a strategy that three crews follow" not in answer  # the step after this one


def test_which_is_more_senior_across_tracks_follows_the_documents_pairing(pipit):
    answer = pipit.ask("at pipit, which is more senior: a Staff Product Manager or a Product Lead?").answer
    assert answer.startswith("**Staff Product Manager.**"), answer
    assert "PP-L3 is a peer of PP-M2" in answer


SISKIN = """# Siskin Robotics product levels

_Maintained by the Product Council. Last updated: March 2025._

Read the table row by row to see one level.

| Level | Scope | Reports to |
|---|---|---|
| S1 Associate PM | One robot feature | A Product Lead |
| S2 Product Manager | One robot line | A Product Lead |
| S3 Senior Product Manager | Two robot lines | A Product Lead |

## How promotions work

- **Timing:** the promotion board sits twice a year, in May and November.
- **Nomination:** your Product Lead proposes you with a written case and three peer reviews.
- **Evidence:** you show six months of work at the next level.
- **Calibration:** a calibration panel compares cases across teams every quarter.
"""


@pytest.fixture(scope="module")
def siskin(seed_index, tmp_path_factory) -> Mentor:
    return company_mentor(seed_index, tmp_path_factory.mktemp("siskin"), "siskin-levels.md", SISKIN, "siskin")


def test_two_questions_in_one_get_an_answer_each(siskin):
    answer = siskin.ask("when does siskin decide promotions, and who puts my name forward?").answer
    assert "May and November" in answer and "proposes you with a written case" in answer, answer


def test_a_pages_housekeeping_is_never_an_answer(siskin):
    # "Last updated: March 2025" says when, and names a month: still no answer to when promotions happen
    answer = siskin.ask("when are promotions decided at siskin?").answer
    assert "May and November" in answer and "Last updated" not in answer and "Maintained" not in answer, answer
    assert "_" not in answer, answer


def test_how_often_is_answered_by_a_rhythm_and_the_other_part_still_answered(siskin):
    answer = siskin.ask("how often does the calibration panel meet at siskin? and who puts my name forward?")
    assert not answer.abstained, answer.answer
    assert "every quarter" in answer.answer and "proposes you" in answer.answer, answer.answer


WAGTAIL = """# Wagtail Freight product ladder

Two tracks: individual contributor (P levels) and manager (M levels). A Staff PM (P4) is at the same level as a Group PM (M4).

## Discovery

- **P2 Product Manager:** Runs interviews for one squad.
- **P3 Senior Product Manager:** Plans research for a product area.
- **P4 Staff Product Manager:** Sets the research agenda across areas.
- **M4 Group Product Manager:** Makes sure every squad in the group talks to customers.

## Delivery

- **P2 Product Manager:** Ships features with little help.
- **P3 Senior Product Manager:** Delivers multi-quarter work.
- **P4 Staff Product Manager:** Leads launches that cross areas. Has no direct reports.
- **M4 Group Product Manager:** Owns the group's quarterly commitments.

## Reporting lines

- Product Managers and Senior Product Managers report to a Group Product Manager.
- Staff PMs and Group PMs report to the Head of Product.
- Each Group PM has 2 to 4 Senior Product Managers in their group.

## Into management

The usual way into management is from P3 Senior Product Manager to M4 Group Product Manager. Before it, you must have run the hiring panel for one squad.

Going from P4 to M4, or back, is a lateral move and keeps your pay.

## Promotion criteria

- Senior Product Manager to the next band: choose a track with your manager.
  - For Staff Product Manager: must have led one launch across areas.
  - For Group Product Manager: must have mentored two PMs.
"""


@pytest.fixture(scope="module")
def wagtail(seed_index, tmp_path_factory) -> Mentor:
    return company_mentor(seed_index, tmp_path_factory.mktemp("wagtail"), "wagtail-ladder.md", WAGTAIL, "wagtail")


def test_a_reporting_line_said_outside_the_levels_own_text(wagtail):
    answer = wagtail.ask("who does a staff pm report to at wagtail?")
    assert answer.answer.startswith("Staff PMs and Group PMs report to the Head of Product"), answer.answer


def test_two_levels_paired_across_tracks_get_the_sentence_that_pairs_them(wagtail):
    # Another sentence names both levels too ("… report to the Head of Product"): no repeat of this one
    answer = wagtail.ask("at wagtail is a staff pm more senior than a group pm?").answer
    assert "is at the same level as a Group PM" in answer, answer


def test_a_step_named_in_prose_brings_what_it_takes(wagtail):
    answer = wagtail.ask("im a senior pm at wagtail and want to go into management, what do i need?").answer
    assert "you must have run the hiring panel for one squad" in answer, answer


def test_levels_counted_in_a_follow_up_are_not_whose_they_are(wagtail):
    wagtail.ask("what does a group pm do at wagtail?", session="counted")
    answer = wagtail.ask("and how many senior pms would they have?", session="counted").answer
    assert "2 to 4 Senior Product Managers" in answer, answer


def test_a_move_between_peers_asked_about_gets_the_documents_rule(wagtail):
    answer = wagtail.ask("if i switch from staff pm to group pm at wagtail, do i get promoted?").answer
    assert "lateral move and keeps your pay" in answer, answer


def test_whether_a_level_exists_is_answered_no_where_the_ladder_lacks_it(heron):
    answer = heron.ask("is there even an IC6 at heron?")
    assert not answer.abstained and answer.answer.startswith("**No.** Heron product levels has no IC6 level"), \
        answer.answer
    assert heron.ask("what does an IC6 do at heron?").abstained  # what a missing level does: still unknown


def test_criteria_listed_under_a_step_by_the_level_they_lead_to(wagtail):
    answer = wagtail.ask("what do i need to go from senior pm to staff pm at wagtail?").answer
    assert "must have led one launch across areas" in answer and "mentored two PMs" not in answer, answer


def test_whether_a_level_manages_people_is_answered_by_what_it_says_of_reports(wagtail):
    answer = wagtail.ask("does a staff pm at wagtail manage people?").answer
    assert answer.startswith("Has no direct reports"), answer


DUNLIN = """# Dunlin Logistics: product levels, questions and answers

Internal — please don't share outside Dunlin.

## Which levels are there?

Five levels on two tracks; the table below lines them up.

## How do the tracks line up?

| Seniority | IC track | Manager track |
|---|---|---|
| 1 | D1 Product Analyst | — |
| 2 | D2 Product Owner | — |
| 3 | D3 Product Strategist | K3 Squad Captain |
| 4 | D4 Product Navigator | K4 Fleet Captain |

## What does a Product Owner do?

A Product Owner runs one delivery lane and writes its weekly plan. They report to a Squad Captain.

## What does a Squad Captain do?

A Squad Captain leads four to six Product Owners and owns the squad's quarterly targets. They report to a Fleet Captain.

## What does a Fleet Captain do?

A Fleet Captain sets the freight network's product plan and manages the Squad Captains.

## Who decides promotions?

**Can I put myself forward?**

Yes: write a one-page case and send it to your lead.

Promotions are settled by the Routing Board, which sits every April and October.
"""


@pytest.fixture(scope="module")
def dunlin(seed_index, tmp_path_factory) -> Mentor:
    return company_mentor(seed_index, tmp_path_factory.mktemp("dunlin"), "dunlin-levels-faq.md", DUNLIN, "dunlin")


def test_an_faq_ladder_answers_from_the_question_that_names_the_level(dunlin):
    answer = dunlin.ask("what does a squad captain do at dunlin?").answer
    assert "leads four to six Product Owners" in answer, answer
    assert "?" not in answer.split("[")[0], answer  # its question heading is no sentence of the answer


def test_who_decides_is_answered_by_the_body_that_does_even_when_it_is_no_level(dunlin):
    answer = dunlin.ask("who decides promotions at dunlin and when?").answer
    assert answer.startswith("Promotions are settled by the Routing Board"), answer


def test_a_part_asked_of_me_is_asked_of_my_level(dunlin):
    dunlin.ask("i'm a squad captain at dunlin", session="mine")
    answer = dunlin.ask("how many people would i lead, and what comes after that?", session="mine").answer
    assert "Fleet Captain" in answer and "four to six Product Owners" in answer, answer


def test_the_ladder_it_points_back_at(dunlin):
    dunlin.ask("quick question about dunlin's product ladder", session="ladder-it")
    answer = dunlin.ask("who's at the very top of it?", session="ladder-it")
    assert "Fleet Captain" in answer.answer and "Product Owner" not in answer.trace["understanding"]["standalone"], \
        answer.answer


GODWIT = """From: Sam Osei <sam@godwit.example>
Subject: Godwit product levels

Hello all,

Here is how product levels work at Godwit from this quarter on. Please read it before your growth conversation.

First comes the Associate Product Manager (we say "APM"), who ships small changes on one team with a mentor's review. APMs usually spend about a year at this level.

Next is the Product Manager, who owns one team's roadmap and its metrics. Most people stay a PM for two to three years.

A Senior Product Manager leads a product area of two or three teams and writes its half-year plan. A Senior PM typically stays four years or more before the next step.

On the IC track, a Staff Product Manager (internally "Staff PM") owns a problem that crosses every product area. Staff PMs report to the Head of Product.

The management track begins with the Group Product Manager (GPM), who manages three to five PMs. A GPM sits at the same level as a Staff PM.

At the top of the management track is the Head of Product, who runs all of product and reports to the CEO.

Changing tracks. Moving from a Staff PM to a Group Product Manager, or back, is a sideways move and not a promotion. Any change of track is signed off by the Head of Product and the People team, and starts with a three-month trial.

Thanks,
Sam
"""


@pytest.fixture(scope="module")
def godwit(seed_index, tmp_path_factory) -> Mentor:
    return company_mentor(seed_index, tmp_path_factory.mktemp("godwit"), "godwit-levels.txt", GODWIT, "godwit")


def test_a_figure_said_in_the_levels_own_paragraph(godwit):
    answer = godwit.ask("how long do ppl usually stay a senior pm at godwit?")
    assert not answer.abstained and "four years or more" in answer.answer, answer.answer


def test_a_title_the_company_lacks_though_it_ends_in_one_of_its_own(godwit):
    answer = godwit.ask("what does a principal PM do at Godwit?")
    assert answer.abstained and "no principal PM level" in answer.answer, answer.answer


def test_peers_across_tracks_bring_the_rule_on_moving_between_them(godwit):
    answer = godwit.ask("At Godwit, is a staff pm the same level as a GPM?")
    assert answer.answer.startswith("**Same level, different track.**"), answer.answer
    assert "sideways move and not a promotion" in answer.answer, answer.answer


def test_it_after_a_move_is_the_move(godwit):
    session = "godwit-move"
    godwit.ask("at godwit, thinking about switching from staff pm to gpm", session=session)
    godwit.ask("is there a trial period?", session=session)
    answer = godwit.ask("ok and who signs off on it?", session=session)
    assert "signed off by the Head of Product" in answer.answer, answer.answer


def test_what_about_a_track_with_a_question_of_its_own(godwit):
    session = "godwit-track"
    godwit.ask("I'm a Staff PM at Godwit", session=session)
    godwit.ask("what could come next for me?", session=session)
    answer = godwit.ask("what about the management track, would moving there count as a promotion?", session=session)
    assert "sideways move and not a promotion" in answer.answer, answer.answer


def test_the_other_track_from_a_level_is_its_peer_where_the_ladder_pairs_them(godwit):
    session = "godwit-side"
    godwit.ask("I'm a Staff PM at Godwit", session=session)
    answer = godwit.ask("what about the management side, how many people would I manage?", session=session)
    assert "Group Product Manager" in answer.answer.split("\n")[0] and "three to five PMs" in answer.answer, \
        answer.answer


def test_a_field_named_for_what_gets_you_up_is_the_steps_criteria(godwit, seed_index, tmp_path_factory):
    ladder = ("# Avocet ladder\n\n## V1 - Associate Product Manager\n\n- Scope: One feature.\n"
              "- What gets you to V2: Has shipped two features end to end without a mentor's rewrite.\n\n"
              "## V2 - Product Manager\n\n- Scope: One squad's roadmap.\n"
              "- What gets you to V3: Has moved the squad's outcome metric for two quarters.\n\n"
              "## V3 - Senior Product Manager\n\n- Scope: Two or three squads.\n")
    avocet = company_mentor(seed_index, tmp_path_factory.mktemp("avocet"), "avocet.md", ladder, "avocet")
    answer = avocet.ask("what do i need to show to get from V1 to V2 at avocet?")
    assert "shipped two features end to end" in answer.answer, answer.answer
    assert "outcome metric for two quarters" not in answer.answer, answer.answer


def test_how_many_people_a_company_has_is_no_level_figure(godwit):
    answer = godwit.ask("how many PMs does Godwit have right now?")
    assert answer.abstained and "how many people work there" in answer.answer, answer.answer


def test_each_part_of_two_gets_a_sentence_of_the_kind_it_asks_for(godwit):
    answer = godwit.ask("at godwit who do staff pms report to, and how many PMs does a GPM manage?")
    assert "report to the Head of Product" in answer.answer and "three to five PMs" in answer.answer, answer.answer
