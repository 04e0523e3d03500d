"""Ladder documents as companies write them: tables, HTML tables, front matter, nested lists."""

from pathlib import Path

import pytest

from mentor.documents import chunk_source, read_source
from mentor.formats import find_tables, flatten_nested_lists, level_label_parts
from mentor.framework import load_framework
from mentor.settings import PROJECT_ROOT

MINI = Path(__file__).parent / "fixtures" / "mini-ladders"


def chunks(name: str, framework=None):
    return chunk_source(read_source(MINI / name), framework)


def by_section(cs, section: str):
    return next(c for c in cs if c.metadata["section"] == section)


@pytest.mark.parametrize("text, parts", [
    ("IC3", ["IC3"]), ("Level 4", ["Level 4"]), ("L5", ["L5"]), ("P3", ["P3"]),
    ("Product Manager II", ["Product Manager II"]), ("Sr. PM", ["Sr. PM"]),
    ("Senior Product Manager (IC4)", ["Senior Product Manager", "IC4"]),
    ("Director of Product", ["Director of Product"]), ("Staff PM", ["Staff PM"]),
    ("Stakeholder management", []), ("Product", []), ("Product Management", []), ("Senior PM → Staff PM", []),
    ("Required skills", []), ("Level", []),
    # a code and a title with only a space between them
    ("G2 Senior Product Manager", ["G2", "Senior Product Manager"]), ("Principal PM L7", ["L7", "Principal PM"]),
    ("M3 Director of Product", ["M3", "Director of Product"]), ("T2 Onboarding", []),
])
def test_level_labels(text, parts):
    assert level_label_parts(text) == parts


def test_wide_table_cells_carry_level_and_competency():
    cs = chunks("wide-table.md")
    cell = by_section(cs, "Competencies › Mentoring › Senior Product Manager")
    assert cell.page_content == "Senior Product Manager — Mentoring: Starts mentoring other product managers"
    assert cell.metadata["doc_levels"] == "|Senior Product Manager|"
    assert cell.metadata["competency"] == "Mentoring"
    assert cell.metadata["kind"] == "table"
    assert cell.id.endswith("wide-table#competencies/mentoring/senior-product-manager:0")
    vision = by_section(cs, "Competencies › Product vision › Product Manager")
    assert vision.page_content.endswith("Explains the product vision\nto the team")  # <br> is a line break


def test_rows_of_levels_become_one_passage_per_short_row():
    cs = chunks("wide-table.md")
    row = by_section(cs, "Levels › IC4")
    assert row.page_content.startswith("IC4 — Title: Staff Product Manager")
    assert "Reports to: Director of Product" in row.page_content
    assert row.metadata["doc_levels"] == "|IC4|"
    assert not any("| IC4 |" in c.page_content for c in cs)  # the table is not also prose


def test_levels_come_from_the_framework_the_document_belongs_to(tmp_path):
    ladder = tmp_path / "northwind.yaml"
    ladder.write_text("""
name: Northwind
tracks: {ic: individual contributor}
levels:
  - {id: ic3, name: Senior Product Manager, track: ic, rank: 3, section: IC3, aliases: [IC3, Senior PM]}
  - {id: ic4, name: Staff Product Manager, track: ic, rank: 4, section: IC4, aliases: [IC4, Staff PM]}
""")
    cs = chunks("wide-table.md", load_framework(ladder))
    assert by_section(cs, "Levels › IC3").metadata["levels"] == "|ic3|"
    assert by_section(cs, "Competencies › Mentoring › Staff Product Manager").metadata["levels"] == "|ic4|"


def test_html_table_is_read_like_a_pipe_table():
    cs = chunks("tailspin.html")
    cell = next(c for c in cs if c.metadata["section"].endswith("Discovery › Associate PM"))
    assert cell.page_content == "Associate PM — Discovery: Joins customer interviews\nand takes notes"
    assert cell.metadata["competency"] == "Discovery"
    assert "Senior PM — Execution: Ships multi-quarter initiatives" in {c.page_content for c in cs}


def test_front_matter_topics_levels_criteria_become_passages():
    cs = chunks("front-matter.md")
    leaf = by_section(cs, "topics › Strategy › levels › P3")
    assert leaf.page_content.startswith("P3 — Strategy:")
    assert "sets the product vision" in leaf.page_content
    assert leaf.metadata["doc_levels"] == "|P3|" and leaf.metadata["competency"] == "Strategy"
    assert leaf.metadata["kind"] == "front-matter"
    assert not any("layout" in c.page_content for c in cs)  # page-building keys are no content


def test_nested_bullets_keep_their_level_and_group():
    fw = load_framework(PROJECT_ROOT / "corpus" / "career-framework.yaml")
    cs = chunks("bullets.md", fw)
    senior = by_section(cs, "Level 4 (Senior Product Manager)")
    assert "- People › Mentors Level 3 product managers" in senior.page_content
    assert senior.metadata["doc_levels"] == "|Level 4|Senior Product Manager|"
    assert senior.metadata["levels"] == "|senior-pm|"


def test_flatten_leaves_long_parents_and_code_alone():
    text = "- A long parent item that explains a great deal more than a heading would ever say\n  - child\n```\n- a\n  - b\n```"
    out = flatten_nested_lists(text).splitlines()
    assert out[1] == "  - child"
    assert out[4] == "  - b"


def test_malformed_table_and_front_matter_are_text_and_named():
    doc = read_source(MINI / "malformed.md")
    assert doc.problems == ["its front matter is not a valid YAML mapping, so it was ingested as text",
                            "a malformed table near line 10 was ingested as text"]
    text = " ".join(c.page_content for c in chunk_source(doc))
    assert "| IC1 | Small tasks" in text and "reviewed every year" in text


def test_document_without_levels_is_plain_passages():
    cs = chunks("no-levels.md")
    assert cs and all(c.metadata["doc_levels"] == "" and c.metadata["kind"] == "prose" for c in cs)


def test_ids_unique_and_stable_for_every_format():
    for name in ("wide-table.md", "front-matter.md", "bullets.md", "tailspin.html", "malformed.md"):
        ids = [c.id for c in chunks(name)]
        assert len(ids) == len(set(ids)) and ids == [c.id for c in chunks(name)]


def test_find_tables_knows_the_headings_above():
    tables, loose = find_tables("# T\n\n## Ladder\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert tables[0].headings == ["T", "Ladder"] and tables[0].rows == [["1", "2"]] and loose == []


def test_html_table_inside_markdown_whose_columns_are_all_levels():
    cs = chunks("grades.md")
    cell = next(c for c in cs if c.metadata["section"].endswith("row 2 › Grade G8"))
    assert cell.page_content == "Grade G8 — How grades differ, row 2: Mentors senior staff\nand leads hiring."
    assert cell.metadata["doc_levels"] == "|Grade G8|" and cell.metadata["competency"] == "How grades differ, row 2"


def test_malformed_front_matter_is_text_without_false_headings():
    doc = read_source(MINI / "grades.md")
    assert doc.problems == ["its front matter is not a valid YAML mapping, so it was ingested as text"]
    cs = chunk_source(doc)
    assert any("note: 'broken' (quote)" in c.page_content for c in cs)
    assert {c.metadata["title"] for c in cs} == {"Woodgrove grades"}  # its title line, not a "# comment"


def test_bold_lines_and_list_items_naming_a_level_act_as_headings():
    cs = chunks("bold-levels.md")
    growth = by_section(cs, "Growth areas › L5")
    assert growth.page_content == "- Coach L4 product managers\n- Present the roadmap to leadership"
    assert growth.metadata["doc_levels"] == "|L5|" and growth.metadata["competency"] == "Growth areas"
    assert by_section(cs, "Expectations by level › L4").page_content.startswith("Delivers well-scoped features")


def test_a_list_item_that_is_no_level_stays_a_list():
    from mentor.formats import promote_level_markers

    text = "## Habits\n\n- Writing:\n  - daily notes\n**Bold but not a level**\n"
    assert promote_level_markers(text) == text.rstrip("\n")


def test_a_cell_belongs_to_its_column_even_under_a_heading_naming_both(tmp_path):
    import yaml

    from mentor.ladders import draft_ladder

    path = tmp_path / "grades.md"
    path.write_text("# Fabrikam PM grades\n\n## How L4 and L5 differ\n\n| | L4 | L5 |\n|---|---|---|\n"
                    "| Scope | Owns one product area | Owns a portfolio of areas |\n"
                    "| People | Mentors new joiners | Coaches other PMs |\n")
    (tmp_path / "ladder.yaml").write_text(yaml.safe_dump(draft_ladder(path)))
    framework = load_framework(tmp_path / "ladder.yaml")
    cells = {c.page_content.split(": ", 1)[1]: c.metadata["levels"] for c in chunk_source(read_source(path), framework)
             if c.metadata.get("kind") == "table"}
    ids = {lvl.name: lvl.id for lvl in framework.levels}
    assert cells["Owns one product area"] == f"|{ids['L4']}|"
    assert cells["Coaches other PMs"] == f"|{ids['L5']}|"


def test_a_quoted_cell_drops_the_headers_it_carries_for_search():
    from mentor.engines.grounded import cited_sentence

    assert cited_sentence("L4 — How L4 and L5 differ, row 2: Mentors new joiners.", 3, cell=True) == \
        "Mentors new joiners [3]."
    assert cited_sentence("Directors — a note: keep this.", 1) == "Directors — a note: keep this [1]."  # prose


def test_plain_text_level_lines_are_headings():
    doc = read_source(MINI / "plain-text.txt")
    assert "## Band 1 - Associate Product Manager" in doc.text  # capitals read as a title
    assert "## Band 2: Product Manager" in doc.text
    assert "# Northwind Product Levels" not in doc.text  # a title line names no level
    cs = chunk_source(doc, None)
    owner = next(c for c in cs if "coaches the product managers" in c.page_content)
    assert owner.metadata["section"] == "Band 3 - Senior Product Manager"


def test_a_heading_above_the_levels_is_no_competency():
    from mentor.documents import _competency

    assert _competency(["Manager track", "M2 – Group Product Manager"]) == ""
    assert _competency(["Manager track", "M2 – Group Product Manager", "Hiring"]) == "Hiring"
    assert _competency(["Required skills", "Product strategy"]) == "Product strategy"


def test_data_fields_read_as_said_and_lone_codes_are_left_out():
    from mentor.formats import front_matter_blocks

    blocks = front_matter_blocks({"levels": [{"id": "T2", "title": "Product Manager", "track": "ic",
                                              "reports_to": "the Head of Product", "summary": "Owns one area.",
                                              "headcount": 4}]})
    text = blocks[0].text
    assert "- Reports to: the Head of Product" in text and "- summary: Owns one area." in text
    assert "- Headcount: 4" in text  # a number is worth a line
    assert "id:" not in text and "track:" not in text.lower()
    assert blocks[0].doc_levels == ["Product Manager", "T2"]


def test_a_long_table_groups_the_rows_of_one_first_cell_into_one_passage(tmp_path):
    doc = tmp_path / "skills.md"
    doc.write_text("## Senior PM - expectations\n\n| Skill | You have |\n|---|---|\n"
                   "| Discovery | Ran a customer interview |\n| Discovery | Framed an opportunity tree |\n"
                   "| Delivery | Shipped a launch |\n\n## Notes\n\nSome text.\n")
    fw = load_framework(PROJECT_ROOT / "corpus" / "career-framework.yaml")
    cs = [c for c in chunk_source(read_source(doc), fw) if c.metadata["kind"] == "table"]
    assert len(cs) == 2
    discovery = next(c for c in cs if c.metadata["competency"] == "Discovery")
    assert "Ran a customer interview" in discovery.page_content and "Framed an opportunity tree" in discovery.page_content
    # No "#" title and several "##" sections: the section heading names the level and is kept.
    assert discovery.metadata["section"].startswith("Senior PM - expectations")
    assert discovery.metadata["levels"] == "|senior-pm|"


def test_a_lone_top_heading_is_the_title_and_frames_nothing(tmp_path):
    doc = tmp_path / "one.md"
    doc.write_text("## Acme product ladder\n\n### Senior PM\n\nOwns a product area.\n")
    c = chunk_source(read_source(doc))[0]
    assert c.metadata["section"] == "Senior PM"


def test_links_read_as_their_words(tmp_path):
    doc = tmp_path / "links.md"
    doc.write_text("## Growth\n\nRead the [progression guide](https://example.org/guide) and the "
                   "[handbook] (/handbook#pm) first. ![chart](img/chart.png)\n")
    text = chunk_source(read_source(doc))[0].page_content
    assert text == "Read the progression guide and the handbook first. chart"


def test_a_spreadsheet_export_becomes_one_passage_per_row_with_its_column_names(tmp_path):
    sheet = tmp_path / "auk-levels.csv"
    sheet.write_text('Level,Title,Owns\nA1,Product Manager,"One journey.\nIts weekly metrics review."\n'
                     'A2,Senior Product Manager,A family of journeys.\n', encoding="utf-8")
    doc = read_source(sheet)
    assert doc.text.startswith("# auk levels")
    texts = [c.page_content for c in chunk_source(doc)]
    assert any("Owns: One journey." in t and "Its weekly metrics review." in t for t in texts), texts
    assert any(t.startswith("A2") and "Owns: A family of journeys." in t for t in texts), texts


def test_a_spreadsheets_title_group_and_note_rows_are_read_as_a_page_around_its_table(tmp_path):
    sheet = tmp_path / "export.csv"
    sheet.write_text("Razorbill Product Grades,,,\n"
                     "Updated each spring by the product leadership team.,,,\n"
                     ",,,\n"
                     "Grade,Title,Owns,Reports to\n"
                     "Maker track,,,\n"
                     "R1,Product Manager,One surface.,Product Lead\n"
                     "R2,Senior Product Manager,Two surfaces.,Product Lead\n"
                     "Leadership track,,,\n"
                     "R3,Product Lead,A pod of PMs.,Head of Product\n"
                     "Promotions happen twice a year after calibration.,,,\n", encoding="utf-8")
    doc = read_source(sheet)
    assert doc.title == "Razorbill Product Grades" or doc.text.startswith("# Razorbill Product Grades"), doc.text
    assert "Updated each spring" in doc.text and "Promotions happen twice a year" in doc.text
    texts = {c.metadata["section"]: c.page_content for c in chunk_source(doc)}
    assert any(section.endswith("Leadership track › R3") for section in texts), list(texts)
    assert any(section.endswith("Maker track › R1") for section in texts), list(texts)


def test_a_definition_list_reads_as_labelled_fields_of_its_heading(tmp_path):
    page = tmp_path / "shag-levels.html"
    page.write_text("<html><body><h1>Shag PM levels</h1><h3>S2 - Senior Product Manager</h3>"
                    "<dl><dt>Remit</dt><dd>Two customer journeys.</dd><dt>Line manager</dt><dd>The Product Lead.</dd>"
                    "</dl><h3>S3 - Product Lead</h3><dl><dt>Team</dt><dd><p>Four PMs.</p></dd></dl></body></html>",
                    encoding="utf-8")
    doc = read_source(page)
    assert "- Remit: Two customer journeys." in doc.text and "- Line manager: The Product Lead." in doc.text
    assert doc.text.count("Four PMs.") == 1, doc.text  # a paragraph inside a definition is read once
    chunks = {c.metadata["section"]: c.page_content for c in chunk_source(doc)}
    assert any("Line manager: The Product Lead." in text and section.endswith("Senior Product Manager")
               for section, text in chunks.items()), chunks


def test_a_bold_run_in_label_reads_as_a_field_in_html_and_markdown(tmp_path):
    page = tmp_path / "auk.html"
    page.write_text("<h2>A2 - Product Manager</h2><p><strong>Scope.</strong> One checkout squad.</p>"
                    "<p><b>Hands off to:</b> the A3 on call.</p><p><strong>Nothing here is a label, it is a whole "
                    "bold sentence.</strong> Then text.</p>")
    text = read_source(page).text
    assert "- Scope: One checkout squad." in text and "- Hands off to: the A3 on call." in text, text
    assert "- Nothing here" not in text, text
    notes = tmp_path / "auk.md"
    notes.write_text("## A3 - Senior PM\n\n**Owns.** The payments area.\n- __Mentors.__ Two A2s.\n")
    text = read_source(notes).text
    assert "**Owns:** The payments area." in text and "__Mentors:__ Two A2s." in text, text


def test_nested_html_lists_keep_their_group_and_lettered_bands_are_levels(tmp_path):
    page = tmp_path / "noddy.html"
    page.write_text("<h3>Band B &mdash; Product Manager</h3><ul><li>Day to day<ul><li>Owns the returns flow.</li>"
                    "<li>Runs the squad's planning.</li></ul></li><li>To reach Band C<ul><li>Moves a pillar metric."
                    "</li></ul></li></ul>")
    text = read_source(page).text
    assert "- Day to day" in text and "  - Owns the returns flow." in text, text
    assert text.count("Owns the returns flow") == 1, text  # each point once, not again inside its parent
    assert level_label_parts("Band C") == ["Band C"] and level_label_parts("Band 3") == ["Band 3"]
    assert level_label_parts("Band Z") == []


def test_a_plain_text_outline_reads_as_headings_and_points(tmp_path):
    from mentor.ladders import draft_ladder

    memo = tmp_path / "skylark-levels.txt"
    memo.write_text("SKYLARK - PRODUCT LEVELS\n\n1. ABOUT\n   1.1 Two levels are described here, and\n       both "
                    "report to the CPO.\n\n2. LEVELS\n   2.1 Level 4 - Senior Product Manager\n       a. Scope: a "
                    "whole\n          product line.\n       b. Promotion to Level 5 requires a shipped platform bet.\n"
                    "   2.2 Level 5 - Principal Product Manager\n       a. Scope: the company.\n")
    text = read_source(memo).text
    assert "### Level 4 - Senior Product Manager" in text and "## ABOUT" in text, text
    assert "- Scope: a whole product line." in text, text  # a point's wrapped lines joined
    assert "Two levels are described here, and both report to the CPO." in text, text  # a numbered sentence stays text
    names = [lvl["name"] for lvl in draft_ladder(memo)["levels"]]
    assert names == ["Senior Product Manager", "Principal Product Manager"], names


@pytest.mark.parametrize("header, parts", [
    ("RX2: Product Manager", ["RX2", "Product Manager"]),
    ("RX4 Product Lead", ["RX4", "Product Lead"]),
    ("Q3 Planning", []),  # a code beside no title is no level
])
def test_a_companys_own_code_counts_beside_a_title(header, parts):
    assert level_label_parts(header) == parts


def test_underlined_headings_become_headings_and_a_boxed_title_heads_a_part():
    from mentor.formats import headings, setext_as_atx

    text = ("Kestrel levels\n\nPURPOSE\n=======\n\nWhy we level.\n\n----------\nMAKER TRACK\n----------\n\n"
            "K1 - PRODUCT MANAGER\n====================\n\nOwns a squad.\n\nNotes\n-----\n\nAside.\n\n"
            "----------\nPROMOTIONS\n----------\n\nTwice a year.\n")
    atx = setext_as_atx(text)
    assert [(depth, h) for _, depth, h in headings(atx)] == [
        (1, "PURPOSE"), (1, "MAKER TRACK"), (1, "K1 - PRODUCT MANAGER"), (2, "Notes"), (1, "PROMOTIONS")]
    assert len(atx.splitlines()) == len(text.splitlines())  # line numbers hold
