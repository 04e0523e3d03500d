from pathlib import Path

import pytest

from mentor.documents import split_front_matter
from mentor.errors import FrameworkError, InputError
from mentor.framework import load_framework
from mentor.settings import PROJECT_ROOT

SEED = PROJECT_ROOT.parent / "shared" / "seed" / "pm-career-path.txt"
ARTICLE = PROJECT_ROOT / "corpus" / "pm-career-path.md"
FRAMEWORK = PROJECT_ROOT / "corpus" / "career-framework.yaml"


@pytest.fixture(scope="module")
def fw():
    return load_framework(FRAMEWORK)


def test_article_keeps_every_line_of_the_seed():
    if not SEED.exists():
        pytest.skip("the seed article is not beside this checkout")
    body = ARTICLE.read_text(encoding="utf-8")
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if line.strip():
            assert line.strip() in body, line


def test_article_has_front_matter_and_structure():
    body, meta = split_front_matter(ARTICLE.read_text(encoding="utf-8"))
    assert meta["title"] == "How to advance in the Product Management Career Path"
    assert "source" in meta
    assert body.count("### Duties and Responsibilities") == 7
    assert body.count("→") >= 5


def test_aliases_resolve(fw):
    assert fw.resolve("GPM").id == "director"
    assert fw.resolve("Group PM").id == "director"
    assert fw.resolve("Sr. PM").id == "senior-pm"
    assert fw.resolve("pm lead").id == "lead-pm"
    assert fw.resolve("Associate PM").id == "apm"
    with pytest.raises(InputError, match="not a level"):
        fw.resolve("Astronaut")


def test_find_levels_prefers_longest_alias(fw):
    found = [m.level.id for m in fw.find_levels("I'm a Senior PM; is a GPM the same as a Director of Product?")]
    assert found == ["senior-pm", "director", "director"]


def test_paths_on_both_tracks(fw):
    by = fw.by_id
    ic = fw.path(by["apm"], by["principal-pm"])
    assert [lvl.id for lvl in ic.levels] == ["apm", "pm", "senior-pm", "principal-pm"]
    mgr = fw.path(by["senior-pm"], by["director"])
    assert [lvl.id for lvl in mgr.levels] == ["senior-pm", "lead-pm", "director"]
    assert [t.section for t in fw.steps(mgr)][-1].startswith("Lead Product Manager →")
    assert fw.path(by["head-of-product"], by["pm"]).status == "downward"
    assert fw.path(by["principal-pm"], by["director"]).status == "unreachable"
    assert fw.path(by["pm"], by["pm"]).status == "same"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "fw.yaml"
    path.write_text(text)
    return path


BASE = """
name: t
tracks: {ic: individual contributor}
levels:
  - {id: a, name: A, track: ic, rank: 1, section: A, aliases: [Alpha]}
  - {id: b, name: B, track: ic, rank: 2, section: B, aliases: [Beta]}
"""


@pytest.mark.parametrize("extra, message", [
    ("transitions:\n  - {from: a, to: z, section: S}\n", "unknown level 'z'"),
    ("", None),
])
def test_framework_validation(tmp_path, extra, message):
    path = _write(tmp_path, BASE + extra)
    if message is None:
        assert load_framework(path).name == "t"
    else:
        with pytest.raises(FrameworkError, match=message):
            load_framework(path)


def test_duplicate_alias_is_rejected(tmp_path):
    path = _write(tmp_path, BASE.replace("aliases: [Beta]", "aliases: [Alpha]"))
    with pytest.raises(FrameworkError, match="alias 'alpha' names both"):
        load_framework(path)


def test_unreadable_framework_files(tmp_path):
    with pytest.raises(FrameworkError, match="does not exist"):
        load_framework(tmp_path / "missing.yaml")
    with pytest.raises(FrameworkError, match="cannot be read"):
        load_framework(_write(tmp_path, "levels: [unclosed"))
    with pytest.raises(FrameworkError, match="unknown track"):
        load_framework(_write(tmp_path, BASE.replace("track: ic, rank: 2", "track: xx, rank: 2")))
