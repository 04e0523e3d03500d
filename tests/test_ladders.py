"""Company ladders: drafted from a document, saved, listed, chosen, compared level to level."""

import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from mentor.cli import app
from mentor.core import Mentor
from mentor.documents import UnreadableFile, read_source
from mentor.errors import FrameworkError, InputError
from mentor.framework import Framework
from mentor.ladders import (GENERAL, NoLevelsFound, draft_ladder, ladder_paths, list_ladders, load_ladder,
                            save_ladder)
from mentor.settings import PROJECT_ROOT, Settings

MINI = Path(__file__).parent / "fixtures" / "mini-ladders"
runner = CliRunner()


@pytest.fixture
def corpus(tmp_path, monkeypatch) -> Path:
    """The general article and framework, plus two company ladder documents; the fake embedder."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in ("career-framework.yaml", "pm-career-path.md"):
        shutil.copy(PROJECT_ROOT / "corpus" / name, folder / name)
    for name in ("wide-table.md", "front-matter.md"):
        shutil.copy(MINI / name, folder / name)
    monkeypatch.setenv("MENTOR_CORPUS_DIR", str(folder))
    monkeypatch.setenv("MENTOR_EMBEDDER", "fake")
    monkeypatch.delenv("MENTOR_LADDER", raising=False)
    return folder


def run(*args: str):
    return runner.invoke(app, list(args))


def levels_of(ladder: dict) -> dict[str, dict]:
    return {lvl["name"]: lvl for lvl in ladder["levels"]}


# ---- draft ---------------------------------------------------------------------------


def test_draft_reads_levels_titles_and_tracks_from_tables():
    ladder = draft_ladder(MINI / "wide-table.md", corpus_dir=MINI)
    levels = levels_of(ladder)
    assert list(levels) == ["Product Manager", "Senior Product Manager", "Staff Product Manager",
                            "Group Product Manager", "Director of Product"]
    senior = levels["Senior Product Manager"]
    assert {"IC3", "Senior PM", "Sr PM"} <= set(senior["aliases"])  # the code the row pairs with its title
    assert ladder["tracks"] == {"ic": "individual contributor", "manager": "manager"}
    assert levels["Group Product Manager"]["track"] == "manager" and senior["track"] == "ic"
    assert ladder["document"] == "wide-table.md"
    steps = {(t["from"], t["to"]) for t in ladder["transitions"]}
    assert ("senior-product-manager", "staff-product-manager") in steps
    assert ("group-product-manager", "director-of-product") in steps
    Framework.model_validate(ladder)  # the draft is a valid framework as it stands


def test_draft_from_headings_and_front_matter_is_one_track():
    bullets = draft_ladder(MINI / "bullets.md")
    assert [lvl["name"] for lvl in bullets["levels"]] == [
        "Product Manager II", "Senior Product Manager", "Principal Product Manager"]
    assert "Level 4" in levels_of(bullets)["Senior Product Manager"]["aliases"]
    assert levels_of(bullets)["Senior Product Manager"]["section"] == "Level 4 (Senior Product Manager)"
    assert bullets["tracks"] == {"ic": "individual contributor"}
    front = draft_ladder(MINI / "front-matter.md")
    assert [lvl["name"] for lvl in front["levels"]] == ["P1", "P2", "P3"]
    assert front["name"] == "Contoso PM framework"


def test_draft_of_an_html_table():
    ladder = draft_ladder(MINI / "tailspin.html")
    assert [lvl["name"] for lvl in ladder["levels"]] == ["Associate PM", "Product Manager", "Senior PM"]
    assert "Senior Product Manager" in levels_of(ladder)["Senior PM"]["aliases"]


def test_no_levels_is_one_sentence(tmp_path):
    with pytest.raises(NoLevelsFound, match="Found no levels in"):
        draft_ladder(MINI / "no-levels.md")
    result = run("ladder", "draft", str(MINI / "no-levels.md"))
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith("Error: Found no levels")


# ---- save, list, validate -----------------------------------------------------------------


def test_save_and_list_side_by_side(corpus):
    result = run("ladder", "draft", str(corpus / "wide-table.md"), "--name", "northwind", "--save")
    assert result.exit_code == 0, result.output
    saved = corpus / "ladders" / "northwind.yaml"
    assert yaml.safe_load(saved.read_text())["document"] == "wide-table.md"
    settings = Settings()
    assert list(ladder_paths(settings)) == [GENERAL, "northwind"]
    assert [i.name for i in list_ladders(settings)] == [GENERAL, "northwind"]
    listed = json.loads(run("ladder", "list", "--json").output)
    assert [x["levels"] for x in listed] == [7, 5]
    again = run("ladder", "draft", str(corpus / "wide-table.md"), "--name", "northwind", "--save")
    assert again.exit_code == 1 and "already exists" in again.output  # never replaced unasked
    assert load_ladder(settings, "northwind").resolve("IC4").name == "Staff Product Manager"


def test_a_ladder_naming_an_unknown_track_or_level_is_refused(corpus):
    ladder = draft_ladder(corpus / "wide-table.md", corpus_dir=corpus)
    ladder["levels"][0]["track"] = "exec"
    with pytest.raises(FrameworkError, match="unknown track 'exec'"):
        save_ladder(Settings(), "northwind", ladder)
    assert not (corpus / "ladders" / "northwind.yaml").exists()
    ladder["levels"][0]["track"] = "ic"
    ladder["transitions"].append({"from": "ic9", "to": "product-manager", "section": "x"})
    with pytest.raises(FrameworkError, match="unknown level 'ic9'"):
        save_ladder(Settings(), "northwind", ladder)
    (corpus / "ladders").mkdir()
    (corpus / "ladders" / "broken.yaml").write_text(yaml.safe_dump(ladder))
    listed = run("ladder", "list")
    assert listed.exit_code == 1 and "unknown level" in listed.output.replace("\n", " ")
    asked = run("ladder", "diff", "IC2", "IC3", "--ladder", "broken")
    assert asked.exit_code == 1 and asked.output.startswith("Error: The career framework file")
    assert "unknown level 'ic9'" in asked.output.replace("\n", "")


def test_which_ladder_a_document_defines(corpus):
    from mentor.ladders import ladder_of_document

    assert run("ladder", "draft", str(corpus / "wide-table.md"), "--name", "northwind", "--save").exit_code == 0
    settings = Settings()
    assert ladder_of_document(settings, "wide-table.md") == "northwind"
    assert ladder_of_document(settings, "corpus/pm-career-path.md") == GENERAL
    assert ladder_of_document(settings, "front-matter.md") is None


def test_unknown_ladder_name_lists_the_known_ones(corpus):
    with pytest.raises(InputError, match="no ladder named 'acme'; known ladders: general"):
        load_ladder(Settings(), "acme")
    with pytest.raises(InputError, match="cannot name a ladder"):
        save_ladder(Settings(), "General Ladder", draft_ladder(corpus / "wide-table.md"))


# ---- ingest, choose, retrieve, diff ------------------------------------------------------


@pytest.fixture
def indexed(corpus):
    assert run("ladder", "draft", str(corpus / "wide-table.md"), "--name", "northwind", "--save").exit_code == 0
    result = run("ingest")
    assert result.exit_code == 0, result.output
    return corpus


def test_passages_get_the_level_ids_of_their_own_ladder(indexed):
    mentor = Mentor.from_settings(ladder="northwind")
    records = mentor.store.get(mentor.store.ids_for_source(_source(mentor, "wide-table.md")))
    by_section = {meta["section"]: meta for _, meta in records.values()}
    assert by_section["Levels › IC3"]["levels"] == "|senior-product-manager|"
    assert by_section["Competencies › Mentoring › Staff Product Manager"]["levels"] == "|staff-product-manager|"
    general = mentor.store.get(mentor.store.ids_for_source(_source(mentor, "pm-career-path.md")))
    assert any(meta["levels"] == "|senior-pm|" for _, meta in general.values())  # the article keeps its own ids


def _source(mentor, suffix: str) -> str:
    return next(s for s in mentor.ingest_state.files() if s.endswith(suffix))


def test_a_changed_ladder_rechunks_and_a_rerun_adds_nothing(indexed):
    again = run("ingest")
    assert again.output.splitlines()[-1].startswith("0 added, 0 updated, 0 removed, 3 unchanged")
    ladder = indexed / "ladders" / "northwind.yaml"
    ladder.write_text(ladder.read_text().replace("- Staff PM\n", "- Staff PM\n  - Staff\n", 1))
    changed = run("ingest")
    assert "a ladder, the voice examples or the chunking changed" in changed.output and "3 updated" in changed.output


def test_chosen_ladder_frames_levels_and_routes(indexed, monkeypatch):
    monkeypatch.setenv("MENTOR_LADDER", "northwind")
    mentor = Mentor.from_settings()
    assert mentor.framework.name == "Northwind product ladder"
    assert mentor.level("IC3").name == "Senior Product Manager"
    path = mentor.framework.path(mentor.level("IC2"), mentor.level("IC4"))
    assert [lvl.name for lvl in path.levels] == ["Product Manager", "Senior Product Manager", "Staff Product Manager"]
    assert Mentor.from_settings(ladder="general").framework.name == "Product Management career ladder"


def test_chosen_ladder_passages_come_first(indexed):
    question = "what does the product vision look like at senior level"
    company = Mentor.from_settings(ladder="northwind").search(question, k=3)
    assert all(p.source.endswith("wide-table.md") for p in company)
    general = Mentor.from_settings().search("What is a Senior Product Manager responsible for?", k=3)
    assert not any(p.source.endswith("wide-table.md") for p in general)


def test_a_company_document_without_a_ladder_is_found_by_name(corpus):
    shutil.copy(MINI / "tailspin.html", corpus / "tailspin-ladder.html")
    assert run("ingest").exit_code == 0
    passages = Mentor.from_settings().search("At Tailspin, what does a Senior PM do in discovery?", k=3)
    assert all(p.source.endswith("tailspin-ladder.html") for p in passages)


def test_a_question_naming_the_company_prefers_its_document(indexed):
    mentor = Mentor.from_settings()  # the general ladder chosen
    passages = mentor.search("At Northwind, who does a Staff Product Manager report to?", k=3)
    assert passages[0].source.endswith("wide-table.md")
    assert any("Reports to: Director of Product" in p.text for p in passages)


def test_our_ladder_means_the_one_company_ladder(indexed):
    passages = Mentor.from_settings().search("In our ladder, who does a Staff Product Manager report to?", k=3)
    assert passages[0].source.endswith("wide-table.md")


def test_preference_rules():
    from mentor.ladders import LadderPreference

    pref = LadderPreference(chosen=set(), named={"acme": {"acme.md"}, "globex": {"globex.md"}})
    assert pref.preferred("At Acme, who does a Staff PM report to?") == {"acme.md"}
    assert pref.preferred("Globex's framework: what is IC4?") == {"globex.md"}
    assert pref.preferred("In our framework, what is IC4?") == set()  # two companies: no guess
    assert pref.preferred("What does a Senior PM do?") == set()
    by_file = LadderPreference(documents={"initech": {"initech-levels.md"}, "interview": {"interview-guide.md"}})
    assert by_file.preferred("At Initech, what is a Staff PM?") == {"initech-levels.md"}
    assert by_file.preferred("In Initech's framework, what is IC4?") == {"initech-levels.md"}
    assert by_file.preferred("What does Initech mean to a Staff PM?") == set()  # a word, not a company named
    chosen = LadderPreference(chosen={"acme.md"}, named={"acme": {"acme.md"}, "globex": {"globex.md"}})
    assert chosen.preferred("What does a Senior PM do?") == {"acme.md"}
    assert chosen.preferred("And at Globex?") == {"globex.md"}


def test_level_diff_rows_cite_both_sides(indexed):
    mentor = Mentor.from_settings(ladder="northwind")
    rows = {r.competency: r for r in mentor.ladder_diff("IC3", "Staff PM")}
    # The short "Levels" rows by column: what each level reports to and its scope, side by side.
    assert set(rows) == {"Reports to", "Scope", "Product vision", "Mentoring", "Stakeholder management"}
    assert rows["Reports to"].b_text == "Reports to: Director of Product"
    mentoring = rows["Mentoring"]
    assert mentoring.a_text == "Senior Product Manager — Mentoring: Starts mentoring other product managers"
    assert mentoring.b_chunk_id.endswith("#competencies/mentoring/staff-product-manager:0")
    assert mentoring.source.endswith("wide-table.md")
    result = run("ladder", "diff", "IC3", "IC4", "--ladder", "northwind", "--json")
    assert result.exit_code == 0, result.output
    assert {r["competency"] for r in json.loads(result.output)} == set(rows)
    table = run("ladder", "diff", "IC3", "IC4", "--ladder", "northwind")
    assert table.exit_code == 0 and "Starts" in table.output and "Mentoring" in table.output
    assert "Senior Product Manager → Staff Product Manager" in table.output
    bad = run("ladder", "diff", "IC3", "IC9", "--ladder", "northwind")
    assert bad.exit_code == 1 and "'IC9' is not a level" in bad.output


def test_diff_on_the_general_ladder_leaves_out_steps(corpus):
    assert run("ingest").exit_code == 0
    rows = {r.competency: r for r in Mentor.from_settings().ladder_diff("PM", "Senior PM")}
    assert rows["Duties and Responsibilities"].a_chunk_id.endswith("#product-manager/duties-and-responsibilities:0")
    assert not any("→" in r.competency for r in rows.values())


def test_diff_of_a_bulleted_ladder_groups_by_list_heading(corpus, tmp_path):
    shutil.copy(MINI / "bullets.md", corpus / "bullets.md")
    assert run("ladder", "draft", str(corpus / "bullets.md"), "--name", "fabrikam", "--save").exit_code == 0
    assert run("ingest").exit_code == 0
    rows = {r.competency: r for r in Mentor.from_settings(ladder="fabrikam").ladder_diff("Level 3", "Level 4")}
    assert "Mentors Level 3 product managers" in rows["People"].b_text
    assert "Helps new joiners" in rows["People"].a_text
    assert rows["Delivery"].a_chunk_id.endswith("#level-3-product-manager-ii:0")


def test_ingest_names_a_malformed_table(corpus):
    shutil.copy(MINI / "malformed.md", corpus / "malformed.md")
    result = run("ingest")
    assert result.exit_code == 0
    text = result.output.replace("\n", " ")
    assert "malformed.md: a malformed table near line 10 was ingested as text." in text
    assert "front matter is not a valid YAML mapping" in text


def test_a_50kb_table_ladder_ingests_quickly_and_once(corpus, tmp_path):
    big = corpus / "big-ladder.md"
    big.write_text(table_heavy_ladder(50_000))
    first = run("ingest")
    assert first.exit_code == 0 and "4 added" in first.output
    assert run("ingest").output.splitlines()[-1].startswith("0 added, 0 updated, 0 removed, 4 unchanged")


def table_heavy_ladder(size: int) -> str:
    """A generated ladder of wide tables: competencies × six levels, about `size` bytes."""
    levels = ["IC1", "IC2", "IC3", "IC4", "IC5", "IC6"]
    lines = ["# Generated ladder", ""]
    area = 0
    while len("\n".join(lines)) < size:
        area += 1
        lines += [f"## Area {area}", "", "| Competency | " + " | ".join(levels) + " |", "|---" * 7 + "|"]
        for c in range(6):
            cells = [f"At {lvl} the product manager handles topic {area}-{c} with scope {i + 1}<br>and evidence"
                     for i, lvl in enumerate(levels)]
            lines.append(f"| Skill {area}.{c} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def test_draft_of_grades_pairs_codes_with_their_short_forms():
    ladder = draft_ladder(MINI / "grades.md")
    assert ladder["name"] == "Woodgrove grades"  # the title line of its (malformed) front matter
    assert [lvl["name"] for lvl in ladder["levels"]] == ["Grade G7", "Grade G8"]
    assert {"G8", "G-8"} <= set(levels_of(ladder)["Grade G8"]["aliases"])


def test_draft_of_public_ladders():
    fixtures = Path(__file__).parent / "fixtures" / "ladders"
    skylight = draft_ladder(fixtures / "skylight-product-manager.md")
    assert [lvl["name"] for lvl in skylight["levels"]] == [
        "Associate product manager", "Product manager I", "Product manager II", "Senior product manager",
        "Staff product manager", "Principal product manager"]
    assert levels_of(skylight)["Senior product manager"]["section"] == "Senior product manager"
    gds = draft_ladder(fixtures / "gds-product-manager.md")  # levels listed in one sentence, no heading each
    assert [lvl["name"] for lvl in gds["levels"]] == [
        "Associate Product Manager", "Product Manager", "Senior Product Manager", "Lead Product Manager",
        "Head of Product"]


@pytest.mark.parametrize("sentence, names", [
    ("Our ladder has four grades: Junior PM, PM, Senior PM and Principal PM.",
     ["Junior PM", "PM", "Senior PM", "Principal PM"]),
    ("The titles are Associate Product Manager, Product Manager II, Staff PM.",
     ["Associate Product Manager", "Product Manager II", "Staff PM"]),
])
def test_levels_listed_in_a_sentence_are_drafted_in_its_order(tmp_path, sentence, names):
    doc = tmp_path / "handbook.md"
    doc.write_text(f"## About our team\n\n{sentence}\n\n## Working here\n\nWe value written decisions.\n")
    assert [lvl["name"] for lvl in draft_ladder(doc)["levels"]] == names


def test_a_sentence_listing_other_things_names_no_levels(tmp_path):
    doc = tmp_path / "handbook.md"
    doc.write_text("## Values\n\nOur values are: candour, craft, care and curiosity.\n")
    with pytest.raises(NoLevelsFound):
        draft_ladder(doc)


def test_diff_of_bold_marked_levels(corpus):
    shutil.copy(MINI / "bold-levels.md", corpus / "bold-levels.md")
    assert run("ladder", "draft", str(corpus / "bold-levels.md"), "--name", "litware", "--save").exit_code == 0
    assert run("ingest").exit_code == 0
    rows = {r.competency: r for r in Mentor.from_settings(ladder="litware").ladder_diff("L4", "L5")}
    assert set(rows) == {"Overall", "Growth areas"}  # "Expectations by level" groups levels: their introductions
    assert "Coach L4 product managers" in rows["Growth areas"].b_text
    assert rows["Growth areas"].a_chunk_id.endswith("#growth-areas/l4:0")


def test_diff_on_a_public_ladder_pairs_skills(corpus):
    shutil.copy(Path(__file__).parent / "fixtures" / "ladders" / "skylight-product-manager.md", corpus / "skylight.md")
    assert run("ladder", "draft", str(corpus / "skylight.md"), "--name", "skylight", "--save").exit_code == 0
    assert run("ingest").exit_code == 0
    rows = Mentor.from_settings(ladder="skylight").ladder_diff("Senior PM", "Staff PM")
    both = [r for r in rows if r.a_chunk_id and r.b_chunk_id]
    assert len(both) >= 7  # the seven skills, each described at both levels
    strategy = next(r for r in both if r.competency == "Product strategy")
    assert "senior-product-manager" in strategy.a_chunk_id and "staff-product-manager" in strategy.b_chunk_id


def test_levels_first_front_matter_pairs_codes_and_diffs_by_field(corpus):
    shutil.copy(MINI / "levels-first.md", corpus / "levels-first.md")
    ladder = draft_ladder(corpus / "levels-first.md")
    assert {"P3", "Senior PM"} <= set(levels_of(ladder)["Senior Product Manager"]["aliases"])
    assert run("ladder", "draft", str(corpus / "levels-first.md"), "--name", "proseware", "--save").exit_code == 0
    assert run("ingest").exit_code == 0
    rows = {r.competency: r for r in Mentor.from_settings(ladder="proseware").ladder_diff("P2", "P3")}
    # A field keeps its name, which a value alone may need ("Reports to: ..."); the diff table drops it.
    assert rows["Discovery"].a_text == "Discovery: Runs interviews with guidance"
    assert rows["Discovery"].b_text == "Discovery: Plans discovery for a product"
    assert rows["Delivery"].b_chunk_id.endswith("#levels/senior-product-manager/expectations:0")


@pytest.mark.parametrize("name, said", [
    ("Product Manager III", ["PM 3", "PM3", "Product Manager 3"]),
    ("Product Manager 1", ["PM I", "PM1", "Product Manager I"]),
    ("Director of Product", ["Director"]),
    ("VP, Product", ["VP"]),
    ("Group Product Manager", ["GPM", "Group PM"]),
    ("Associate PM", ["APM", "Associate Product Manager"]),
])
def test_a_level_is_known_by_the_forms_people_say(name, said):
    from mentor.ladders import _aliases

    assert set(said) <= set(_aliases([name]))
    assert not any(a.upper() in ("PMI", "PMIII") for a in _aliases([name]))  # not the institute


def test_levels_with_other_codes_or_other_titles_stay_apart(tmp_path):
    from mentor.ladders import detect_levels

    doc = tmp_path / "kite.md"
    doc.write_text("# Kite levels\n\n## T4 – Lead Product Manager\n\nLeads a line.\n\n"
                   "## E1 – Product Lead\n\nManages three PMs.\n\n"
                   "## T5 – Staff Product Manager\n\nSets strategy.\n\n## T5 – Group Product Manager\n\nManages a group.\n")
    assert [f.names for f in detect_levels(doc)] == [
        ["T4", "Lead Product Manager"], ["E1", "Product Lead"], ["T5", "Staff Product Manager"],
        ["T5", "Group Product Manager"]]


def test_a_plain_text_ladder_is_drafted():
    ladder = draft_ladder(MINI / "plain-text.txt", name="northwind")
    assert [lvl["name"] for lvl in ladder["levels"]] == ["Associate Product Manager", "Product Manager",
                                                          "Senior Product Manager"]
    assert "Band 2" in ladder["levels"][1]["aliases"]


def test_a_code_of_the_ladders_own_kind_that_it_lacks():
    from mentor.pipeline import code_the_ladder_lacks

    fw = Framework.model_validate({
        "name": "Kite", "tracks": {"ic": "individual contributor"},
        "levels": [{"id": f"t{n}", "name": f"T{n}", "track": "ic", "rank": n, "section": f"T{n}",
                    "aliases": [f"T{n}"]} for n in (1, 2, 3)],
        "transitions": [{"from": "t1", "to": "t2", "section": "T2"}, {"from": "t2", "to": "t3", "section": "T3"}]})
    assert code_the_ladder_lacks(fw, "what does a t4 do at kite?") == "T4"
    assert code_the_ladder_lacks(fw, "what does a T2 do?") is None
    assert code_the_ladder_lacks(fw, "is T0 a level?") == "T0"
    assert code_the_ladder_lacks(fw, "what does a PM do in Q4?") is None  # another kind of code


def test_plain_text_level_lines_with_their_lists_right_under_them_are_drafted():
    ladder = draft_ladder(MINI / "wiki-export.txt")
    assert [lvl["name"] for lvl in ladder["levels"]] == ["PM I", "PM II", "Senior PM", "Product Lead", "Head of Product"]
    assert "Level 1" in levels_of(ladder)["PM I"]["aliases"]


def test_draft_of_an_html_matrix_whose_headers_give_code_and_title(tmp_path):
    page = tmp_path / "kittiwake-ladder.html"
    page.write_text(
        "<html><body><h1>Kittiwake product ladder</h1><p>How product managers grow here.</p><table>"
        "<tr><th>Area</th><th>G1 Associate PM</th><th>G2 Product Manager</th><th>G3 Senior PM</th>"
        "<th>G4 Staff PM</th><th>M1 Product Director</th></tr>"
        "<tr><td>Scope</td><td>A task</td><td>A feature</td><td>A product</td><td>Several products</td>"
        "<td>A product line and its people</td></tr></table></body></html>", encoding="utf-8")
    ladder = draft_ladder(page)
    names = [lvl["name"] for lvl in ladder["levels"]]
    assert names == ["Associate PM", "Product Manager", "Senior PM", "Staff PM", "Product Director"], names
    assert "G3" in levels_of(ladder)["Senior PM"]["aliases"]
    assert levels_of(ladder)["Product Director"]["track"] != levels_of(ladder)["Staff PM"]["track"]


def test_levels_under_a_track_that_leads_people_are_on_the_manager_track(tmp_path):
    data = tmp_path / "fulmar-framework.json"
    data.write_text(json.dumps({"company": "Fulmar", "tracks": [
        {"name": "Builder track", "levels": [{"title": "Product Manager", "code": "B2", "summary": "Ships features."},
                                             {"title": "Senior PM", "summary": "Owns an area."}]},
        {"name": "People leadership track", "levels": [{"title": "Product Lead", "summary": "Manages a team."},
                                                       {"title": "Head of Product", "summary": "Leads the org."}]}]}),
        encoding="utf-8")
    tracks = {lvl["name"]: lvl["track"] for lvl in draft_ladder(data)["levels"]}
    assert tracks == {"Product Manager": "ic", "Senior PM": "ic", "Product Lead": "manager",
                      "Head of Product": "manager"}, tracks
    assert "B2" in levels_of(draft_ladder(data))["Product Manager"]["aliases"]  # a code field of any letters
    page = tmp_path / "fulmar.md"
    page.write_text("# Fulmar levels\n\n## Maker path\n\n### Product Manager\n\nShips.\n\n### Product Lead\n\n"
                    "Leads the biggest bets without reports.\n\n## Leadership path\n\n### Group PM\n\nManages PMs.\n",
                    encoding="utf-8")
    tracks = {lvl["name"]: lvl["track"] for lvl in draft_ladder(page)["levels"]}
    assert tracks == {"Product Manager": "ic", "Product Lead": "ic", "Group PM": "manager"}, tracks


def test_a_levels_own_manages_people_field_decides_its_track(tmp_path):
    page = tmp_path / "petrel-levels.txt"
    page.write_text("Petrel product levels\n\nPetrel has individual contributor and people manager levels.\n\n"
                    "Level 1: PM I\n- Scope: one feature.\n- Manages people: no.\n\n"
                    "Level 2: PM II\n- Scope: one surface.\n- Manages people: no.\n\n"
                    "Level 3: Product Lead\n- Scope: a product line.\n- Manages people: yes, 2-4 direct reports.\n",
                    encoding="utf-8")
    tracks = {lvl["name"]: lvl["track"] for lvl in draft_ladder(page)["levels"]}
    assert tracks == {"PM I": "ic", "PM II": "ic", "Product Lead": "manager"}, tracks


def test_a_spreadsheet_export_is_drafted_with_each_rows_own_track():
    ladder = draft_ladder(MINI / "gannet-levels.csv")
    levels = {lvl["name"]: lvl for lvl in ladder["levels"]}
    assert list(levels) == ["Associate Product Manager", "Product Manager", "Senior Product Manager",
                            "Product Manager Lead", "Head of Product"], list(levels)
    assert {name: lvl["track"] for name, lvl in levels.items()} == {
        "Associate Product Manager": "ic", "Product Manager": "ic", "Senior Product Manager": "ic",
        "Product Manager Lead": "manager", "Head of Product": "manager"}
    assert {"G4", "Grade 4"} <= set(levels["Product Manager Lead"]["aliases"])  # "G4" is said "Grade 4"


def test_a_tab_separated_export_with_a_path_column_and_a_rank_word_after_the_title(tmp_path):
    sheet = tmp_path / "skua-pm-grades.tsv"
    sheet.write_text("Grade\tRole\tPath\tRemit\n"
                     "S1\tPM\tIC\tShips small improvements to one journey.\n"
                     "S2\tSenior PM\tIC\tOwns a journey end to end.\n"
                     "S3\tPM Lead\tManagement\tRuns a pod of three to five PMs.\n"
                     "S4\tProduct Director\tManagement\tSets direction for a business unit.\n", encoding="utf-8")
    tracks = {lvl["name"]: lvl["track"] for lvl in draft_ladder(sheet)["levels"]}
    assert tracks == {"PM": "ic", "Senior PM": "ic", "PM Lead": "manager", "Product Director": "manager"}, tracks


def test_a_spreadsheets_group_rows_name_the_tracks_of_the_rows_below_them(tmp_path):
    sheet = tmp_path / "razorbill.csv"
    sheet.write_text("Razorbill Product Grades,,\n\nGrade,Title,Owns\nMaker track,,\nR1,Product Manager,One surface.\n"
                     "R2,Senior Product Manager,Two surfaces.\nLeadership track,,\nR3,Product Lead,A pod of PMs.\n",
                     encoding="utf-8")
    tracks = {lvl["name"]: lvl["track"] for lvl in draft_ladder(sheet)["levels"]}
    assert tracks == {"Product Manager": "ic", "Senior Product Manager": "ic", "Product Lead": "manager"}, tracks


def test_a_title_row_under_level_columns_names_each_column(tmp_path):
    page = tmp_path / "murre.md"
    page.write_text("# Murre levels\n\n## Maker track\n\n| Area | E1 | E2 | E3 |\n|---|---|---|---|\n"
                    "| *Job title* | Product Manager | Senior Product Manager | Principal PM |\n"
                    "| Known as | PM | Senior PM, Sr PM | Staff PM (old title) |\n"
                    "| Craft | Runs one backlog | Runs a roadmap | Sets a strategy |\n\n"
                    "## People track\n\n| Area | E4 | E5 |\n|---|---|---|\n"
                    "| Job title | Group Product Manager | Vice President, Product |\n"
                    "| Craft | Coaches PMs | Runs the product org |\n", encoding="utf-8")
    levels = {lvl["name"]: lvl for lvl in draft_ladder(page)["levels"]}
    assert list(levels) == ["Product Manager", "Senior Product Manager", "Principal PM", "Group Product Manager",
                            "Vice President, Product"], list(levels)
    assert "Staff PM" in levels["Principal PM"]["aliases"] and "E3" in levels["Principal PM"]["aliases"]
    assert "Product" not in levels["Vice President, Product"]["aliases"]
    assert [lvl["track"] for lvl in levels.values()] == ["ic", "ic", "ic", "manager", "manager"]


def test_a_sheet_whose_levels_sit_in_a_later_column_with_policy_rows_at_its_foot(tmp_path):
    sheet = tmp_path / "puffin.tsv"
    sheet.write_text("Puffin PM levels\n\nPath\tGrade\tJob title\tRemit\n"
                     "Maker\tK2\tProduct Manager\tOne journey.\n"
                     "Maker\tK3\tSenior Product Manager\tA family of journeys.\n"
                     "People leadership\tK4-L\tProduct Lead\tA team of PMs.\n"
                     "\tLevelling reviews\t\tTwice a year, by a panel of three.\n", encoding="utf-8")
    levels = {lvl["name"]: lvl for lvl in draft_ladder(sheet)["levels"]}
    assert list(levels) == ["Product Manager", "Senior Product Manager", "Product Lead"], list(levels)
    assert levels["Product Lead"]["track"] == "manager" and "K4-L" in levels["Product Lead"]["aliases"]


def test_a_data_level_known_only_by_its_code_keeps_its_place(tmp_path):
    data = tmp_path / "gull.yaml"
    data.write_text("title: Gull product levels\nlevels:\n"
                    "  - code: G-2\n    title: Product Manager\n"
                    "  - code: G-3\n    title: Team Manager, Product\n"
                    "  - code: G-4\n    title: Director of Product\n", encoding="utf-8")
    levels = draft_ladder(data)["levels"]
    assert [lvl["name"] for lvl in levels] == ["Product Manager", "Team Manager, Product", "Director of Product"], levels
    assert "G-3" in levels[1]["aliases"]


def test_levels_a_tracks_list_names_by_code_are_the_titled_items_of_the_levels_list(tmp_path):
    data = tmp_path / "kittiwake-levels.yaml"
    data.write_text(yaml.safe_dump({
        "tracks": [{"id": "ic", "name": "Maker", "levels": ["K1", "K2"]},
                   {"id": "mgmt", "name": "Lead", "levels": ["K3-M"]}],
        "levels": [
            {"code": "K1", "title": "Product Manager", "span_of_control": 0, "scope": "One flow."},
            {"code": "K2", "title": "Senior Product Manager", "span_of_control": 0, "scope": "One area."},
            {"code": "K3-M", "title": "Product Lead", "span_of_control": 4, "scope": "Three squads."},
        ]}, sort_keys=False))
    ladder = draft_ladder(data)
    names = [(lvl["name"], lvl["track"]) for lvl in ladder["levels"]]
    assert names == [("Product Manager", "ic"), ("Senior Product Manager", "ic"), ("Product Lead", "manager")], names
    assert "K3-M" in ladder["levels"][2]["aliases"] and "K1" in ladder["levels"][0]["aliases"], ladder["levels"]


@pytest.mark.parametrize("manager_codes, ranks, split_from", [
    (("M3", "M4"), {"M3": 3, "M4": 4}, "senior-product-manager"),  # one scale: M3 sits beside T3
    (("M1", "M2"), {"M1": 4, "M2": 5}, "staff-product-manager"),  # numbered afresh: the document's order
])
def test_a_managing_track_on_the_ic_tracks_number_scale_starts_beside_its_number(tmp_path, manager_codes, ranks,
                                                                                 split_from):
    doc = tmp_path / "petrel-levels.md"
    first, second = manager_codes
    doc.write_text("# Petrel levels\n\nTwo tracks: individual contributor and people manager.\n\n"
                   "## T1 - Product Manager\n\n- Owns one flow.\n\n## T2 - Senior Product Manager\n\n- Owns an area.\n\n"
                   "## T3 - Staff Product Manager\n\n- Owns a domain.\n\n"
                   f"## {first} - Manager, Product Management\n\n- Manages three PMs.\n\n"
                   f"## {second} - Senior Manager, Product Management\n\n- Manages managers.\n")
    ladder = draft_ladder(doc)
    by_code = {a: lvl for lvl in ladder["levels"] for a in lvl["aliases"]}
    assert {code: by_code[code]["rank"] for code in manager_codes} == ranks, ladder["levels"]
    assert by_code[first]["name"] == "Manager, Product Management" and by_code[first]["track"] == "manager"
    into = [t["from"] for t in ladder["transitions"] if t["to"] == by_code[first]["id"]]
    assert into == [split_from], ladder["transitions"]


def test_roman_numeral_codes_name_and_rank_levels(tmp_path):
    page = tmp_path / "narwhal-ladder.md"
    page.write_text(
        "# Narwhal product ladder\n\nIC codes start with BU, leader codes with LE; the numeral is the level.\n\n"
        "## Builders\n\n### BU-I — Associate PM\n\nShips one change.\n\n### BU-II — Product Manager\n\nOwns a team.\n\n"
        "### BU-III — Senior PM\n\nOwns an area.\n\n### BU-IV — Staff PM\n\nSets direction.\n\n"
        "## Leaders\n\n### LE-III — Team Lead\n\nManages 2-4 PMs.\n\n### LE-IV — Head of Product\n\nManages leads.\n",
        encoding="utf-8")
    levels = levels_of(draft_ladder(page))
    assert {"BU-III", "BU III"} <= set(levels["Senior PM"]["aliases"]), levels["Senior PM"]["aliases"]
    assert "BUIII" not in levels["Senior PM"]["aliases"]  # run together, a numeral reads as letters
    assert levels["Team Lead"]["track"] == "manager" and levels["Team Lead"]["rank"] == levels["Senior PM"]["rank"]
    assert levels["Head of Product"]["rank"] == levels["Staff PM"]["rank"]


def test_a_long_export_gives_one_level_per_title_even_when_two_share_a_band(tmp_path):
    sheet = tmp_path / "dugong-bands.csv"
    rows = ["grade,path,job title,attribute,value"]
    for band, path, title in [("Band 2", "IC", "Product Analyst"), ("Band 3", "IC", "Product Owner"),
                              ("Band 4", "IC", "Senior Product Owner"), ("Band 4", "Leadership", "Product Circle Lead"),
                              ("Band 5", "Leadership", "Head of Product")]:
        rows += [f"{band},{path},{title},Scope,Work of {title.lower()}s",
                 f"{band},{path},{title},Reports to,Someone above the {title}",
                 f"{band},{path},{title},Time in band,Two years or so"]
    sheet.write_text("\n".join(rows) + "\n", encoding="utf-8")
    levels = levels_of(draft_ladder(sheet))
    assert set(levels) == {"Product Analyst", "Product Owner", "Senior Product Owner", "Product Circle Lead",
                           "Head of Product"}, set(levels)
    assert levels["Product Circle Lead"]["track"] == "manager"
    assert levels["Product Circle Lead"]["rank"] == levels["Senior Product Owner"]["rank"]  # one band, two tracks
    assert "Band 3" in levels["Product Owner"]["aliases"]


def test_a_key_inside_a_level_and_a_glossary_initialism_are_no_levels_of_their_own(tmp_path):
    data = tmp_path / "manatee.yaml"
    data.write_text(yaml.safe_dump({"levels": [
        {"code": "R1", "title": "Product Manager", "expectations": {"core": ["Ships."], "senior": ["Writes memos."]}},
        {"code": "R2", "title": "Group Product Manager", "expectations": {"core": ["Leads PMs."],
                                                                         "senior": ["Writes memos."]}}],
        "glossary": [{"term": "GPM", "meaning": "Group Product Manager"}]}), encoding="utf-8")
    assert sorted(levels_of(draft_ladder(data))) == ["Group Product Manager", "Product Manager"]
    page = tmp_path / "manatee.md"
    page.write_text("# Manatee ladder\n\n| Level | Title |\n|---|---|\n| R1 | Product Manager |\n"
                    "| R2 | Group Product Manager |\n\n## Glossary\n\n| Term | Meaning |\n|---|---|\n"
                    "| GPM | Group Product Manager |\n| Squad | A team |\n", encoding="utf-8")
    levels = levels_of(draft_ladder(page))
    assert sorted(levels) == ["Group Product Manager", "Product Manager"], sorted(levels)
    assert "GPM" in levels["Group Product Manager"]["aliases"]


def test_a_table_heads_a_level_by_a_name_not_its_code_said_aloud(tmp_path):
    from types import SimpleNamespace

    from mentor.engines.grounded import GroundedEngine
    from mentor.ladders import validate_ladder

    page = tmp_path / "walrus.md"
    page.write_text("# Walrus levels\n\n## Tier 4 — Product Manager\n\nOwns a pod.\n\n"
                    "## Tier 5 — Senior Product Manager\n\nOwns an area.\n\n## PL-IV — Pod Lead\n\nManages PMs.\n",
                    encoding="utf-8")
    fw = validate_ladder(draft_ladder(page), "walrus")
    ctx = SimpleNamespace(framework=fw)
    assert [GroundedEngine._short(ctx, lvl) for lvl in fw.levels] == ["Product Manager", "Sr PM", "Pod Lead"]


def test_headings_whose_titles_no_pattern_knows_are_levels_by_the_code_they_share(tmp_path):
    page = tmp_path / "stoat.html"
    page.write_text(
        "<h1>Stoat paths</h1><h2>Makers</h2>"
        "<h3>Associate PM <span>S1 · Tier A</span></h3><dl><dt>Also called</dt><dd>APM.</dd></dl>"
        "<h3>Tracker <span>S2 · Tier B</span></h3><dl><dt>Also called</dt><dd>Product Manager (in offers).</dd>"
        "<dt>Scope</dt><dd>One squad.</dd></dl>"
        "<h3>Ranger <span>S3 · Tier C</span></h3><dl><dt>Also called</dt><dd>Senior Product Manager.</dd></dl>"
        "<h3>Glossary terms</h3><p>Squad: a team.</p>"
        "<h2>Crew leads (people managers)</h2>"
        "<h3>Group Product Manager <span>C1 · Tier C</span></h3><dl><dt>Direct reports</dt><dd>3 PMs.</dd></dl>"
        "<h3>Director of Product <span>C2 · Tier D</span></h3><dl><dt>Direct reports</dt><dd>4 GPMs.</dd></dl>",
        encoding="utf-8")
    levels = levels_of(draft_ladder(page))
    assert list(levels) == ["Associate PM", "Tracker", "Ranger", "Group Product Manager", "Director of Product"]
    assert "Senior Product Manager" in levels["Ranger"]["aliases"]  # its "Also called", its name kept
    assert {"S2", "Product Manager"} <= set(levels["Tracker"]["aliases"])
    assert levels["Group Product Manager"]["rank"] == levels["Ranger"]["rank"]  # one tier on both tracks
    assert levels["Director of Product"]["rank"] == levels["Ranger"]["rank"] + 1


def test_a_shouted_plain_text_ladder_with_a_stated_equivalence(tmp_path):
    page = tmp_path / "heron.txt"
    page.write_text(
        "Heron levels\n\nTRACKS\n======\n\nIndividual contributor track: HR1 to HR3. Manager track: HM1 to HM2.\n"
        "HM1 Team Lead is equivalent in seniority to HR3 Staff PM.\n\n"
        "HR1 - PRODUCT MANAGER\n=====================\n\nOwns a squad.\n\n"
        "HR2 - SENIOR PRODUCT MANAGER\n============================\n\nOwns an area.\n\n"
        "HR3 - STAFF PM\n==============\n\nOwns a line.\n\n"
        "HM1 - TEAM LEAD\n===============\n\nDirect reports: 3 to 5 PMs.\n\n"
        "HM2 - HEAD OF PRODUCT\n=====================\n\nDirect reports: the team leads.\n", encoding="utf-8")
    levels = levels_of(draft_ladder(page))
    assert list(levels) == ["Product Manager", "Senior Product Manager", "Staff PM", "Team Lead", "Head of Product"]
    assert levels["Team Lead"]["track"] == "manager" and levels["Team Lead"]["rank"] == levels["Staff PM"]["rank"]
    assert levels["Head of Product"]["rank"] == levels["Staff PM"]["rank"] + 1


def test_levels_described_in_one_bold_bullet_each(tmp_path):
    page = tmp_path / "ibis.md"
    page.write_text(
        "# Ibis ladder\n\n| Area | P1 Product Manager | P2 Senior PM |\n|---|---|---|\n"
        "| Scope | A pod | An area |\n\n## Managers\n\n"
        "- **G2 Group Product Manager** — manages 3-6 PMs. Reports to the Director.\n"
        "- **G3 Director of Product** — manages the Group PMs.\n\n## Notes\n\n- **Cycles.** Twice a year.\n",
        encoding="utf-8")
    levels = levels_of(draft_ladder(page))
    assert list(levels) == ["Product Manager", "Senior PM", "Group Product Manager", "Director of Product"]
    assert "G2" in levels["Group Product Manager"]["aliases"]


def test_a_level_in_one_bold_bullet_is_a_passage_of_its_own_and_the_list_section_goes_on(tmp_path):
    from mentor.documents import chunk_source, read_source
    from mentor.ladders import validate_ladder

    page = tmp_path / "ibis.md"
    page.write_text(
        "# Ibis ladder\n\n## Levels\n\n### P1 Product Manager\n\nOwns a pod.\n\n## Managers\n\nManagers are a track.\n\n"
        "- **G2 Group Product Manager** — manages 3-6 PMs.\n- **G3 Director of Product** — manages the Group PMs.\n\n"
        "Moving from P1 to G2 is a promotion.\n", encoding="utf-8")
    fw = validate_ladder(draft_ladder(page), "ibis")
    chunks = {c.page_content: c.metadata for c in chunk_source(read_source(page), fw)}
    own = next(m for text, m in chunks.items() if "manages 3-6 PMs" in text)
    assert own["levels"] == "|group-product-manager|", own
    after = next(m for text, m in chunks.items() if "is a promotion" in text)
    assert after["heading"] == "Managers" and "director" not in after["levels"], after


def test_a_restructuredtext_ladder_keeps_its_sections_table_and_prefixed_codes(tmp_path):
    doc = tmp_path / "kite.rst"
    doc.write_text("Kite PM levels\n==============\n\n.. contents::\n\nLevels\n------\n\n"
                   ".. list-table::\n   :header-rows: 1\n\n   * - Code\n     - Title\n"
                   "   * - KT-P1\n     - Product Manager\n   * - KT-P2\n     - Senior Product Manager\n"
                   "   * - KT-M1\n     - Group Product Manager\n\n"
                   "KT-P2 is a peer of KT-M1.\n\nKT-P1 Product Manager\n---------------------\n\n"
                   "**Scope.** One *squad* and its backlog.\n")
    from mentor.documents import UnreadableFile, read_source

    text = read_source(doc).text
    assert "| KT-P2 | Senior Product Manager |" in text
    assert "- Scope: One squad and its backlog." in text  # a run-in label as a field, no space before "."
    assert text.count("KT-P1 Product Manager") == 1  # the contents list is navigation, not text
    levels = {lvl["name"]: lvl for lvl in draft_ladder(doc)["levels"]}
    assert "KT-P2" in levels["Senior Product Manager"]["aliases"]
    assert levels["Group Product Manager"]["rank"] == levels["Senior Product Manager"]["rank"]


def test_a_sheet_pasted_into_text_is_read_as_its_table(tmp_path):
    doc = tmp_path / "lark.txt"
    doc.write_text("LARK PRODUCT LEVELS\nCopied from the levels sheet.\n\n"
                   "Field,P1,P2,M1\nTitle,Product Analyst,Product Manager,Product Crew Lead\n"
                   "Track,IC,IC,Manager\nScope,\"One flow, end to end\",One product,\"Two crews, six PMs\"\n\n"
                   "Notes follow, with commas, in prose.\n")
    names = [lvl["name"] for lvl in draft_ladder(doc)["levels"]]
    assert names == ["Product Analyst", "Product Manager", "Product Crew Lead"]


def test_a_track_a_level_heading_names_is_its_track_not_its_title(tmp_path):
    doc = tmp_path / "moth.html"
    doc.write_text("<h1>Moth product framework</h1><p>Two tracks: the Maker track and the People Leader track.</p>"
                   + "".join(f"<h3>Tier {n} - {title} ({track})</h3><ul><li>Owns {n} things.</li></ul>"
                             for n, title, track in [(1, "Product Apprentice", "Maker"), (2, "Product Owner", "Maker"),
                                                     (3, "Product Cartwright", "Maker"),
                                                     (3, "Product Steward", "People Leader")]))
    levels = {lvl["name"]: lvl for lvl in draft_ladder(doc)["levels"]}
    assert set(levels) == {"Product Apprentice", "Product Owner", "Product Cartwright", "Product Steward"}
    assert levels["Product Steward"]["track"] == "manager" and levels["Product Cartwright"]["track"] == "ic"


def test_levels_as_bold_labels_under_each_competency(tmp_path):
    doc = tmp_path / "plover.md"
    doc.write_text("# Plover product ladder\n\nTwo tracks: individual contributor and manager.\n\n"
                   + "".join(f"## {skill}\n\n" + "".join(f"- **{code} {title}:** {skill} done at {code}.\n"
                                                       for code, title in [("P1", "Associate PM"),
                                                                           ("P2", "Product Manager"),
                                                                           ("P3", "Senior Product Manager"),
                                                                           ("M3", "Product Lead")]) + "\n"
                             for skill in ("Discovery", "Delivery", "People")))
    levels = {lvl["name"]: lvl for lvl in draft_ladder(doc)["levels"]}
    assert set(levels) == {"Associate PM", "Product Manager", "Senior Product Manager", "Product Lead"}
    assert levels["Product Lead"]["track"] == "manager"
    assert levels["Product Lead"]["rank"] == levels["Senior Product Manager"]["rank"]


def test_a_memo_outline_with_dash_points_and_a_route_in_its_headings(tmp_path):
    doc = tmp_path / "gannet-memo.txt"
    doc.write_text("""GANNET FOODS
MEMO

1. ROUTES

1.1  Grades 1 to 3 are one route. From Grade 4 there is the
     PEOPLE ROUTE for those who line manage and the EXPERT ROUTE
     for those who do not.

2. ROLES

2.1  Junior Product Manager (Grade 1)
       - Reports to: a Product Lead.
       - Duties:
           o keeps the backlog tidy;
           o writes release notes for
             the store teams.

2.2  Product Manager (Grade 2)
       - Reports to: a Product Lead.

2.3  Senior Product Manager (Grade 3)
       - Reports to: a Product Lead.

2.4  Product Lead (Grade 4, people route)
       - Direct reports: 3 to 6.

2.5  Staff Product Manager (Grade 4, expert route)
       - Direct reports: none.

3. PROMOTIONS

3.1  JUNIOR PRODUCT MANAGER TO PRODUCT MANAGER. Must have run one
     discovery sprint alone.
""")
    ladder = draft_ladder(doc)
    levels = {lvl["name"]: lvl for lvl in ladder["levels"]}
    assert set(levels) == {"Junior Product Manager", "Product Manager", "Senior Product Manager", "Product Lead",
                           "Staff Product Manager"}
    assert levels["Product Lead"]["track"] == "manager" and levels["Staff Product Manager"]["track"] == "ic"
    # Both Grade 4, one level above Grade 3: no rank is left empty between them
    assert levels["Product Lead"]["rank"] == levels["Staff Product Manager"]["rank"] \
        == levels["Senior Product Manager"]["rank"] + 1
    text = read_source(doc).text
    assert "- Reports to: a Product Lead." in text and "  - writes release notes for the store teams." in text
    # a point's label in capitals is a label, so the step it names is found by its levels
    assert "Junior Product Manager to Product Manager: Must have run one discovery sprint alone." in text


def test_an_html_table_with_spanned_cells_and_a_title_column_per_track(tmp_path):
    page = tmp_path / "shrike.html"
    page.write_text("""<h1>Shrike levels</h1>
<table><thead>
<tr><th rowspan="2">Band</th><th colspan="2">Role</th><th rowspan="2">Scope</th></tr>
<tr><th>Maker track</th><th>Leader track</th></tr></thead>
<tbody>
<tr><td>Band 1</td><td colspan="2">Associate Product Manager</td><td>A task</td></tr>
<tr><td>Band 2</td><td colspan="2">Product Owner</td><td>A feature</td></tr>
<tr><td>Band 3</td><td>Staff Product Manager</td><td>Product Lead</td><td>A product</td></tr>
</tbody></table>
<h2>Band 3</h2>
<h3>Staff Product Manager / Product Lead</h3>
<h4>Staff Product Manager (Maker track)</h4><ul><li>Direct reports: none</li></ul>
<h4>Product Lead (Leader track)</h4><ul><li>Direct reports: 2 to 5</li></ul>
""")
    text = read_source(page).text
    assert "| Band | Role (Maker track) | Role (Leader track) | Scope |" in text
    assert "| Band 1 | Associate Product Manager |  | A task |" in text  # a spanned body cell is read once
    levels = {lvl["name"]: lvl for lvl in draft_ladder(page)["levels"]}
    assert set(levels) == {"Associate Product Manager", "Product Owner", "Staff Product Manager", "Product Lead"}
    assert levels["Product Lead"]["track"] == "manager" and levels["Staff Product Manager"]["track"] == "ic"
    assert levels["Product Lead"]["rank"] == levels["Staff Product Manager"]["rank"]


def test_draft_of_an_faq_ladder_with_a_track_per_column(tmp_path):
    page = tmp_path / "curlew-faq.md"
    page.write_text("""# Curlew PM levels FAQ

## How do the levels line up?

| Band | Maker track | Leader track |
|---|---|---|
| A | C1 Associate Product Manager | — |
| B | C2 Product Manager | — |
| C | C3 Senior Product Manager | L3 Product Lead |
| D | C4 Principal Product Manager | L4 Director of Product |

## What does a Senior PM do?

Ships a product line end to end.

**Is a Product Lead a promotion from a Senior PM?**

No, it is a move across.
""")
    ladder = draft_ladder(page)
    ranks = {lvl["name"]: (lvl["rank"], lvl["track"]) for lvl in ladder["levels"]}
    assert ranks["Senior Product Manager"][0] == ranks["Product Lead"][0] and ranks["Product Lead"][1] == "manager"
    assert ranks["Director of Product"][0] == ranks["Principal Product Manager"][0], ranks
    assert levels_of(ladder)["Senior Product Manager"]["section"] == "What does a Senior PM do?"
    # a bold question on a line of its own heads its answer
    assert "## Is a Product Lead a promotion from a Senior PM?" in read_source(page).text


def test_draft_of_level_headings_that_say_level_before_the_code(tmp_path):
    page = tmp_path / "whimbrel.rst"
    page.write_text("Whimbrel ladder\n===============\n\nLevel W2 — Product Manager\n--------------------------\n\n"
                    "Owns one area.\n\nLevel W3 — Senior Product Manager\n---------------------------------\n\n"
                    "Owns several areas.\n")
    ladder = draft_ladder(page)
    assert [lvl["name"] for lvl in ladder["levels"]] == ["Product Manager", "Senior Product Manager"], ladder
    assert "W3" in levels_of(ladder)["Senior Product Manager"]["aliases"]


def test_a_memo_that_gives_each_level_a_paragraph_is_drafted(tmp_path):
    memo = tmp_path / "sandpiper-levels.txt"
    memo.write_text("""From: Jo Ng <jo@sandpiper.example>
Subject: Sandpiper product levels

Team,

Below are the product levels we agreed at the offsite. We have five PM roles across two tracks.

An Associate PM (we say "APM") learns the craft on one team and ships small changes with help.

The Product Manager is our core role: a PM owns one team's roadmap end to end.

Senior Product Manager (aka SPM) comes next, leading a product area of two or three teams.

On the maker track, a Principal Product Manager takes on problems that span the company. Principals have no reports.

The leadership track begins with the Group Product Manager, who manages three to six PMs. A GPM sits at the same level as a Principal PM.

Moving between tracks. Changing track is a sideways move, agreed with your manager.

Cheers,
Jo
VP Product, Sandpiper
""")
    ladder = draft_ladder(memo)
    levels = levels_of(ladder)
    assert list(levels) == ["Associate PM", "Product Manager", "Senior Product Manager", "Principal Product Manager",
                            "Group Product Manager"], list(levels)
    assert "APM" in levels["Associate PM"]["aliases"] and "SPM" in levels["Senior Product Manager"]["aliases"]
    assert levels["Group Product Manager"]["track"] == "manager" and levels["Principal Product Manager"]["track"] == "ic"
    assert levels["Group Product Manager"]["rank"] == levels["Principal Product Manager"]["rank"]
    text = read_source(memo).text
    # a paragraph that opens on a lead of its own ends the level above it: the rule is no Group PM's
    assert text.index("## Moving between tracks") < text.index("Changing track is a sideways move")
    assert "## VP Product" not in text  # a signature introduces no level


def test_a_word_document_is_read_with_its_headings_and_tables(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("Egret product career ladder", 0)
    document.add_paragraph("Owned by the People team; reviewed every spring.")
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Level", "Scope", "Reports to")):
        cell.text = text
    for row in (("E1 Associate PM", "One feature at a time", "Group PM"),
                ("E2 Product Manager", "One squad's roadmap", "Group PM"),
                ("E3 Senior PM", "Two or three squads", "Head of Product")):
        for cell, text in zip(table.add_row().cells, row):
            cell.text = text
    path = tmp_path / "egret-ladder.docx"
    document.save(path)
    text = read_source(path).text
    assert text.startswith("# Egret product career ladder")
    assert "| E3 Senior PM | Two or three squads | Head of Product |" in text
    ladder = draft_ladder(path)
    assert ladder["name"] == "Egret product career ladder"
    assert [lvl["name"] for lvl in ladder["levels"]] == ["Associate PM", "Product Manager", "Senior PM"]


def test_a_broken_word_document_is_one_sentence(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(UnreadableFile, match="broken.docx: is not a readable Word document"):
        read_source(path)


def test_a_definition_list_whose_terms_are_levels_gives_a_section_each(tmp_path):
    page = tmp_path / "tern.html"
    page.write_text("<h1>Tern levels</h1><dl><dt>N1 · Associate PM</dt><dd>Learns on one team.</dd>"
                    "<dt>N2 · Product Manager</dt><dd>Owns a roadmap.</dd><dd>Reports to a Group PM.</dd>"
                    "<dt>N3 · Senior PM</dt><dd>Owns an area.</dd></dl>"
                    "<dl><dt>Scope</dt><dd>What you own.</dd></dl>")
    text = read_source(page).text
    assert "## N2 · Product Manager\n\nOwns a roadmap.\nReports to a Group PM." in text
    assert "- Scope: What you own." in text  # a glossary stays a list of fields
    assert [lvl["name"] for lvl in draft_ladder(page)["levels"]] == ["Associate PM", "Product Manager", "Senior PM"]


def test_headings_numbered_as_slides_or_sections_name_their_levels(tmp_path):
    deck = tmp_path / "auk-deck.md"
    deck.write_text("# Auk levels deck\n\n## Slide 1: Why levels\n\nClarity.\n\n## Slide 2: Product Manager (K2)\n\n"
                    "Owns a roadmap.\n\n## Slide 3: Senior PM (K3)\n\nOwns an area.\n\n"
                    "## 4.1 Staff Product Manager\n\nOwns a problem across areas.\n")
    levels = levels_of(draft_ladder(deck))
    assert list(levels) == ["Product Manager", "Senior PM", "Staff Product Manager"], list(levels)
    assert "K3" in levels["Senior PM"]["aliases"]


def test_paragraphs_led_by_a_levels_code_and_title_are_its_sections(tmp_path):
    page = tmp_path / "cormorant.html"
    page.write_text("<h1>Cormorant ladder</h1><p>Our levels, in short.</p>"
                    "<p><strong>C1 Associate PM</strong> — learns the craft on one squad.</p>"
                    "<p><strong>C2 Product Manager</strong> — owns one squad's roadmap; reports to a Group PM.</p>"
                    "<p><strong>C3 Senior PM</strong> — owns an area; reports to the Director.</p>")
    levels = levels_of(draft_ladder(page))
    assert list(levels) == ["Associate PM", "Product Manager", "Senior PM"], list(levels)
    assert levels["Senior PM"]["section"] == "C3 Senior PM" and "C3" in levels["Senior PM"]["aliases"]


def test_a_band_column_ranks_the_tracks_levels_side_by_side(tmp_path):
    page = tmp_path / "petrel.md"
    page.write_text("# Petrel levels\n\n| Code | Title | Track | Band |\n|---|---|---|---|\n"
                    "| Q1 | Product Manager | IC | 2 |\n| Q2 | Senior Product Manager | IC | 3 |\n"
                    "| Q3 | Principal Product Manager | IC | 4 |\n| QM1 | Group Product Manager | Manager | 3 |\n"
                    "| QM2 | Director of Product | Manager | 4 |\n")
    ranks = {lvl["name"]: (lvl["track"], lvl["rank"]) for lvl in draft_ladder(page)["levels"]}
    assert ranks["Group Product Manager"] == ("manager", ranks["Senior Product Manager"][1]), ranks
    assert ranks["Director of Product"][1] == ranks["Principal Product Manager"][1], ranks


def test_emoji_before_a_level_heading_are_no_part_of_its_name(tmp_path):
    page = tmp_path / "stilt.md"
    page.write_text("# Stilt levels\n\n## ⭐ Product Manager\n\nOwns a roadmap.\n\n## 🚀 Senior Product Manager ✨\n\n"
                    "Owns an area.\n")
    assert [lvl["name"] for lvl in draft_ladder(page)["levels"]] == ["Product Manager", "Senior Product Manager"]


def test_pathways_name_tracks_and_a_lowercase_bracket_only_describes_a_level(tmp_path):
    policy = tmp_path / "loon-policy.md"
    policy.write_text("# Loon career policy\n\nAt Grade 6 there is a Specialist pathway and a Management pathway.\n\n"
                      "## Grade 5 - Product Lead\n\nLeads a domain.\n\n"
                      "## Grade 6 - Principal Product Lead (Specialist pathway)\n\nOwns a specialist area.\n\n"
                      "## Grade 6 - Head of Product (Management pathway)\n\nLeads a division.\n\n"
                      "## Grade 7 - Director of Product (top of the ladder)\n\nLeads product.\n")
    levels = levels_of(draft_ladder(policy))
    assert list(levels) == ["Product Lead", "Principal Product Lead", "Head of Product", "Director of Product"], \
        list(levels)
    assert levels["Head of Product"]["track"] == "manager" and levels["Principal Product Lead"]["track"] == "ic"
    assert levels["Head of Product"]["rank"] == levels["Principal Product Lead"]["rank"]
