"""The app with a company ladder beside the general one (fake embedder, AppTest)."""

import shutil
import sys
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from mentor.cli import app as cli
from mentor.settings import PROJECT_ROOT

APP = str(PROJECT_ROOT / "ui" / "app.py")
MINI = Path(__file__).parent / "fixtures" / "mini-ladders"


@pytest.fixture
def company(tmp_path, monkeypatch) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("career-framework.yaml", "pm-career-path.md"):
        shutil.copy(PROJECT_ROOT / "corpus" / name, corpus / name)
    shutil.copy(MINI / "wide-table.md", corpus / "wide-table.md")
    monkeypatch.setenv("MENTOR_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("MENTOR_EMBEDDER", "fake")
    monkeypatch.setenv("MENTOR_HISTORY_URL", f"sqlite:///{tmp_path / 'ui.sqlite3'}")
    monkeypatch.delenv("MENTOR_LADDER", raising=False)
    runner = CliRunner()
    assert runner.invoke(cli, ["ladder", "draft", str(corpus / "wide-table.md"), "--name", "northwind",
                               "--save"]).exit_code == 0
    assert runner.invoke(cli, ["ingest"]).exit_code == 0
    return corpus


def start() -> AppTest:
    import streamlit as st

    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def ladder_box(at: AppTest):
    return next(s for s in at.sidebar.selectbox if s.label == "Ladder")


def test_the_chosen_ladder_frames_levels_and_picture(company):
    at = start()
    assert ladder_box(at).options == ["Product Management career ladder (general)",
                                      "Northwind product ladder (northwind)"]
    assert "Head of Product" in at.sidebar.selectbox[0].options
    ladder_box(at).select("northwind").run()
    assert not at.exception
    assert at.sidebar.selectbox[0].options == ["(not set)", "Product Manager", "Senior Product Manager",
                                               "Staff Product Manager", "Group Product Manager", "Director of Product"]
    picture = at.sidebar.get("graphviz_chart")[0].proto.spec
    assert "Staff Product Manager" in picture and "Head of Product" not in picture


def test_the_setting_chooses_the_first_ladder_shown(company, monkeypatch):
    monkeypatch.setenv("MENTOR_LADDER", "northwind")
    at = start()
    assert ladder_box(at).value == "northwind"


def test_documents_list_names_the_ladder_each_defines(company):
    at = start()
    lines = [t.value for t in at.sidebar.text]
    assert any(line.endswith("wide-table.md — ladder: northwind") for line in lines)
    assert any(line.endswith("pm-career-path.md — ladder: general") for line in lines)
    assert any("2 documents," in c.value for c in at.sidebar.caption)


def test_one_document_is_singular(company, tmp_path, monkeypatch):
    monkeypatch.setenv("MENTOR_INDEX_DIR", str(tmp_path / "one"))
    assert CliRunner().invoke(cli, ["ingest", str(company / "pm-career-path.md")]).exit_code == 0
    at = start()
    assert any("1 document," in c.value for c in at.sidebar.caption)


def test_compare_two_levels_shows_both_sides_cited(company, monkeypatch):
    monkeypatch.setenv("MENTOR_LADDER", "northwind")
    at = start()
    to = next(s for s in at.selectbox if s.label == "To")
    to.select("Staff Product Manager").run()
    texts = [t.value for t in at.main.text]
    assert "Staff Product Manager — Mentoring: Mentors senior product managers and grows the bench" in texts
    assert any(c.value.endswith("#competencies/mentoring/staff-product-manager:0") for c in at.main.caption)


def test_no_deploy_toolbar():
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["toolbarMode"] in ("viewer", "minimal")


def test_mentor_ui_hides_the_toolbar_wherever_it_runs(monkeypatch):
    import subprocess

    calls = []
    monkeypatch.setattr(subprocess, "call", lambda args: calls.append(args) or 0)
    result = CliRunner().invoke(cli, ["ui"])
    assert result.exit_code == 0 and calls[0][0] == sys.executable
    assert calls[0][calls[0].index("--client.toolbarMode") + 1] in ("viewer", "minimal")
